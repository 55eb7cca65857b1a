from django.db import migrations


def load(apps, schema_editor):
    from rubrics.seed import load_rubric

    load_rubric(apps.get_model("rubrics", "Rubric"), apps.get_model("rubrics", "Dimension"))


class Migration(migrations.Migration):
    dependencies = [("rubrics", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
