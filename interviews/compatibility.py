"""Who may interview whom, and how well they fit (PRODUCT.md, "Who may interview whom")."""

from django.db.models import Q

from accounts.models import CompanyExperience, CompanyType, Level, User

_LEVEL_INDEX = {value: index for index, value in enumerate(Level.values)}


def fit_problem(*, interviewer: User, candidate: User, target_level: str, company_type: str) -> str | None:
    """Why `interviewer` cannot interview `candidate` for this target, or None when they fit.

    Capacity is counted separately: it depends on the week of the session.
    """
    if interviewer.pk == candidate.pk:
        return "This is your own slot: you cannot interview yourself."
    if not interviewer.is_interviewer or not interviewer.is_active:
        return f"{interviewer.name} is not taking interviews at the moment."
    if _LEVEL_INDEX[interviewer.interviewer_level] < _LEVEL_INDEX[target_level]:
        return (
            f"{interviewer.name} holds {Level(interviewer.interviewer_level).label}, below your target "
            f"{Level(target_level).label}: pick an interviewer at or above it."
        )
    if not CompanyExperience(interviewer.company_experience).covers(company_type):
        return f"{interviewer.name} has no {CompanyType(company_type).label} interview experience."
    return None


def fitting_interviewers(*, target_level: str, company_type: str, prefix: str = "") -> Q:
    """The same rule as fit_problem (but for the person), as a filter on interviewer fields."""
    return Q(
        **{
            f"{prefix}is_interviewer": True,
            f"{prefix}is_active": True,
            f"{prefix}interviewer_level__gte": target_level,
            f"{prefix}company_experience__in": [company_type, CompanyExperience.BOTH],
        }
    )


def level_fit_cost(*, interviewer_level: str, target_level: str) -> int:
    """0 is the best fit: one level above the target, then the same level, then two above."""
    gap = _LEVEL_INDEX[interviewer_level] - _LEVEL_INDEX[target_level]
    return {1: 0, 0: 1, 2: 2}[gap]
