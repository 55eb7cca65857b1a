from django.contrib import admin, messages

from rubrics.models import Dimension, Evaluation, InterviewerRating, Rubric
from rubrics.services import evaluations_confirm, rubric_new_version


class DimensionInline(admin.StackedInline):
    model = Dimension
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    """Editing a rubric that evaluations already use saves the edit as the next version;
    the used version, and every evaluation filled against it, stay as they were."""

    list_display = ("name", "version", "created_at")
    readonly_fields = ("version", "created_at")
    inlines = [DimensionInline]

    def save_model(self, request, obj, form, change):
        if change and Rubric.objects.get(pk=obj.pk).is_used:
            used = Rubric.objects.get(pk=obj.pk)
            copy = rubric_new_version(rubric=used)
            obj.pk, obj.version, obj.created_at = copy.pk, copy.version, copy.created_at
            obj._copied_from = used
            messages.info(request, f"{used} is in use, so your edit was saved as version {copy.version}.")
        obj.save()

    def save_formset(self, request, form, formset, change):
        used = getattr(form.instance, "_copied_from", None)
        if used is None:
            formset.save()
            return
        # Apply the inline edits to the new version's copies (matched by key), not to the used rows.
        copies = {d.key: d for d in form.instance.dimensions.all()}
        for inline in formset.forms:
            if not inline.has_changed() and not inline.instance.pk:
                continue
            original_key = inline.instance.key if inline.instance.pk else None
            if inline in formset.deleted_forms:
                if original_key in copies:
                    copies[original_key].delete()
                continue
            edited = inline.save(commit=False)
            target = (
                copies.get(Dimension.objects.get(pk=edited.pk).key)
                if edited.pk
                else Dimension(rubric=form.instance)
            )
            for field in Dimension._meta.fields:
                if field.name not in {"id", "rubric"}:
                    setattr(target, field.name, getattr(edited, field.name))
            target.rubric = form.instance
            target.save()
        # What the admin's change history reads; the used version itself was not touched.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = (
        "session",
        "interviewer",
        "status",
        "recommended_level",
        "verdict",
        "submitted_at",
        "provisional",
        "rubric",
    )
    list_filter = ("status", "provisional", "recommended_level", "verdict", "rubric")
    actions = ("confirm",)

    @admin.action(description="Confirm the selected provisional evaluations")
    def confirm(self, request, queryset):
        count = evaluations_confirm(evaluations=list(queryset))
        self.message_user(request, f"{count} evaluation{'s' if count != 1 else ''} confirmed.")

    list_select_related = ("session", "interviewer", "rubric")
    raw_id_fields = ("session", "interviewer")


@admin.register(InterviewerRating)
class InterviewerRatingAdmin(admin.ModelAdmin):
    list_display = ("interviewer", "score", "candidate", "created_at")
    list_select_related = ("interviewer", "candidate")
    raw_id_fields = ("session", "candidate", "interviewer")
