from django import template

register = template.Library()


@register.filter
def signals_for(question, levels):
    """A question's signals for these levels (all levels when none are given)."""
    return question.signals_by_level(levels or None)
