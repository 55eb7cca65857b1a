from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    Question = apps.get_model("interviews", "Question")
    for question in Question.objects.all():
        question.slug = slugify(question.title)[:80] or f"question-{question.pk}"
        question.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("interviews", "0007_match_requests")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="slug",
            field=models.SlugField(max_length=80, null=True, db_index=False, help_text="Its data file's name in the bank."),
        ),
        migrations.AddField(
            model_name="question",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="question",
            name="slug",
            field=models.SlugField(max_length=80, unique=True, help_text="Its data file's name in the bank."),
        ),
        # Message kinds are registered by the parts that own them, not listed on the field.
        migrations.AlterField(
            model_name="outboxmessage",
            name="kind",
            field=models.CharField(max_length=32),
        ),
    ]
