from django.db import migrations

# This migration once seeded the question bank from a Python module. Content now lives in data
# files (interviews/sessions/question_bank/) loaded by `manage.py load_content`; migrations call
# nothing live, so editing the bank never rewrites history.


class Migration(migrations.Migration):
    dependencies = [("interviews", "0002_no_overlapping_sessions")]
    operations = []
