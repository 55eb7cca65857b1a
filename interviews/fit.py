"""Who may interview whom, and how well they fit (PRODUCT.md, "Who may interview whom").

The one statement of the rule and of the level and company orders, derived from the model
choices. Booking checks it per pair (fit_problem), pages and the matcher's query filter with it
(fitting_interviewers), and the matcher's solver applies it to whole arrays (fits_vectorised);
a property test holds the three to the same answers.
"""

import numpy as np
from django.db.models import Q

from accounts.models import CompanyExperience, CompanyType, Level, User

# In level order (the choices are declared in it): L3, L4, L5 (shown as L5+).
LEVELS: tuple[str, ...] = tuple(Level.values)
COMPANY_TYPES: tuple[str, ...] = tuple(CompanyType.values)
EXPERIENCES: tuple[str, ...] = tuple(CompanyExperience.values)


def level_index(level: str) -> int:
    return LEVELS.index(level)


def levels_at_or_above(level: str) -> list[str]:
    return list(LEVELS[level_index(level) :])


def experiences_covering(company_type: str) -> list[str]:
    return [e for e in EXPERIENCES if CompanyExperience(e).covers(company_type)]


def fit_problem(*, interviewer: User, candidate: User, target_level: str, company_type: str) -> str | None:
    """Why `interviewer` cannot interview `candidate` for this target, or None when they fit.

    Capacity is counted separately: it depends on the week of the session.
    """
    if interviewer.pk == candidate.pk:
        return "This is your own slot: you cannot interview yourself."
    if not interviewer.is_interviewer or not interviewer.is_active:
        return f"{interviewer.name} is not taking interviews at the moment."
    if interviewer.interviewer_level not in levels_at_or_above(target_level):
        return (
            f"{interviewer.name} holds {Level(interviewer.interviewer_level).label}, below your target "
            f"{Level(target_level).label}: pick an interviewer at or above it."
        )
    if interviewer.company_experience not in experiences_covering(company_type):
        return f"{interviewer.name} has no {CompanyType(company_type).label} interview experience."
    return None


def taking_interviews(*, prefix: str = "") -> Q:
    """Members who take interviews at all, as a filter on their fields."""
    return Q(**{f"{prefix}is_interviewer": True, f"{prefix}is_active": True})


def fitting_interviewers(*, target_level: str, company_type: str, prefix: str = "") -> Q:
    """The rule of fit_problem (but for the person), as a filter on interviewer fields."""
    return taking_interviews(prefix=prefix) & Q(
        **{
            f"{prefix}interviewer_level__in": levels_at_or_above(target_level),
            f"{prefix}company_experience__in": experiences_covering(company_type),
        }
    )


# COVERS[experience index, company type index]: that experience may interview for that type.
COVERS = np.array([[CompanyExperience(e).covers(c) for c in COMPANY_TYPES] for e in EXPERIENCES])


def fits_vectorised(
    *,
    interviewer_level: np.ndarray,
    experience: np.ndarray,
    target_level: np.ndarray,
    company_type: np.ndarray,
) -> np.ndarray:
    """fit_problem's level and company rules over arrays (or single values) of indices into LEVELS,
    EXPERIENCES and COMPANY_TYPES, for interviewers taking interviews: True where they fit.
    Self-pairing is the caller's to exclude, as it compares people, not levels."""
    return (interviewer_level >= target_level) & COVERS[experience, company_type]


# Level fit: 0 is the best fit, one level above the target; then the same level; then two above.
_FIT_COST_BY_GAP = {1: 0, 0: 1, 2: 2}
FIT_COST_BY_GAP = np.array([_FIT_COST_BY_GAP[gap] for gap in range(len(LEVELS))])


def level_fit_cost(*, interviewer_level: str, target_level: str) -> int:
    """0 is the best fit: one level above the target, then the same level, then two above."""
    return _FIT_COST_BY_GAP[level_index(interviewer_level) - level_index(target_level)]
