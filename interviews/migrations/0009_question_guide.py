from django.db import migrations, models

# The v1 follow-up family names, as they were stored, and their keys in the guide.
FAMILY_KEYS = {
    "Data storage and retrieval": "storage",
    "Scalability and performance": "scale",
    "Error handling and logging": "errors",
    "A/B testing and experimentation": "experiments",
    "Business element": "business",
}


def to_guide(apps, schema_editor):
    """Existing questions keep their follow-ups and level expectations, now inside the guide."""
    Question = apps.get_model("interviews", "Question")
    for question in Question.objects.all():
        question.guide = {
            "follow_ups": [
                {"family": FAMILY_KEYS.get(item["family"], "scale"), "question": item["question"]}
                for item in question.follow_ups
            ],
            "signals": {level: [text] for level, text in question.expectations.items()},
        }
        question.save(update_fields=["guide"])


class Migration(migrations.Migration):
    dependencies = [("interviews", "0008_question_slug_and_kinds")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="guide",
            field=models.JSONField(
                default=dict,
                help_text="The interviewer's guide: phases (with minutes and a hint ladder), facts revealed when "
                "asked, follow_ups by family, signals per level, and the outline of the study pack.",
            ),
        ),
        migrations.RunPython(to_guide, migrations.RunPython.noop),
        migrations.RemoveField(model_name="question", name="follow_ups"),
        migrations.RemoveField(model_name="question", name="expectations"),
        migrations.AddField(
            model_name="question",
            name="llm",
            field=models.BooleanField(default=False, verbose_name="LLM-era system"),
        ),
        migrations.AddField(
            model_name="question",
            name="company_name",
            field=models.CharField(blank=True, help_text="Startup prompts: the company.", max_length=80),
        ),
        migrations.AddField(
            model_name="question",
            name="business_element",
            field=models.TextField(
                blank=True, help_text="Startup prompts: what the design must earn, save or serve for the business."
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="company_context",
            field=models.TextField(blank=True, help_text="Startup prompts: the company's mission."),
        ),
        migrations.AlterField(
            model_name="question",
            name="prompt",
            field=models.TextField(help_text="What the interviewer reveals. No scale figures: those are facts."),
        ),
        migrations.AlterField(
            model_name="question",
            name="is_active",
            field=models.BooleanField(
                default=True,
                help_text="Untick to retire: never assigned again; past sessions keep it.",
                verbose_name="in use",
            ),
        ),
    ]
