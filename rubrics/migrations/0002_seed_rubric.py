from django.db import migrations

# This migration once seeded rubric version 1 from a Python module. Rubric versions now live in
# data files (rubrics/content/) loaded by `manage.py load_content`; migrations call nothing live.


class Migration(migrations.Migration):
    dependencies = [("rubrics", "0001_initial")]
    operations = []
