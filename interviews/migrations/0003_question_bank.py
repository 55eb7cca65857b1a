from django.db import migrations


def load(apps, schema_editor):
    from interviews.question_bank import QUESTIONS

    Question = apps.get_model("interviews", "Question")
    for spec in QUESTIONS:
        fields = {"max_level": "L5", **spec}
        Question.objects.update_or_create(title=fields.pop("title"), defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("interviews", "0002_no_overlapping_sessions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
