from django import template

register = template.Library()


@register.filter
def likelihood(p: float) -> str:
    """A probability as a percentage that never claims certainty: "over 99%", "under 1%"."""
    if p >= 0.995:
        return "over 99%"
    if p < 0.005:
        return "under 1%"
    return f"{round(p * 100)}%"
