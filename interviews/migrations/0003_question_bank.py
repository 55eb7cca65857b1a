from django.db import migrations


def load(apps, schema_editor):
    from interviews.question_bank import load_question_bank

    load_question_bank(apps.get_model("interviews", "Question"))


class Migration(migrations.Migration):
    dependencies = [("interviews", "0002_no_overlapping_sessions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
