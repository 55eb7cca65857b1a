from django.core.management.base import BaseCommand, CommandError

from interviews.sessions.questions import questions_load
from rubrics.content import rubrics_load


class Command(BaseCommand):
    help = (
        "Load the question bank and the rubric versions from their data files. Idempotent: run it "
        "after every migrate."
    )

    def handle(self, *args, **options):
        try:
            questions = questions_load()
            rubrics = rubrics_load()
        except ValueError as exc:  # the files' own problems, listed
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            self.stdout.write(
                "Questions: {created} new, {updated} updated, {unchanged} unchanged. ".format(**questions)
                + "Rubric versions: {created} new, {unchanged} already there.".format(**rubrics)
            )
