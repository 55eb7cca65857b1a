"""Demo members for `manage.py seed_demo`: idempotent, all with the same password."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.credits import credits_grant_starter
from accounts.models import CompanyExperience, CompanyType, Level, User

DEMO_PASSWORD = "peerloop-demo"

DEMO_USERS = [
    {
        "email": "cara@example.com",
        "role": "candidate, L3 aiming at L4 FAANG",
        "display_name": "Cara Candidate",
        "time_zone": "America/New_York",
        "current_level": Level.L3,
        "target_level": Level.L4,
        "target_company_type": CompanyType.FAANG,
    },
    {
        "email": "sam@example.com",
        "role": "candidate, L4 aiming at L5+ startup",
        "display_name": "Sam Seeker",
        "time_zone": "Europe/London",
        "current_level": Level.L4,
        "target_level": Level.L5,
        "target_company_type": CompanyType.STARTUP,
    },
    {
        "email": "ivan@example.com",
        "role": "interviewer L5+, FAANG and startup; also a candidate",
        "display_name": "Ivan Interviewer",
        "time_zone": "Europe/Berlin",
        "current_level": Level.L5,
        "target_level": Level.L5,
        "target_company_type": CompanyType.FAANG,
        "is_interviewer": True,
        "interviewer_level": Level.L5,
        "company_experience": CompanyExperience.BOTH,
        "sessions_per_week": 5,
        "bio": "Staff ML engineer; built ranking and retrieval systems at two large companies.",
    },
    {
        "email": "lena@example.com",
        "role": "interviewer L4, startup",
        "display_name": "Lena Lead",
        "time_zone": "America/Los_Angeles",
        "current_level": Level.L4,
        "target_level": Level.L5,
        "target_company_type": CompanyType.STARTUP,
        "is_interviewer": True,
        "interviewer_level": Level.L4,
        "company_experience": CompanyExperience.STARTUP,
        "sessions_per_week": 3,
        "bio": "ML lead at a seed-stage startup; fraud detection and forecasting.",
    },
    {
        "email": "staff@example.com",
        "role": "staff (admin)",
        "display_name": "PeerLoop Staff",
        "time_zone": "UTC",
        "current_level": Level.L5,
        "target_level": Level.L5,
        "target_company_type": CompanyType.FAANG,
        "is_staff": True,
        "is_superuser": True,
    },
]


def seed_users() -> dict[str, User]:
    users = {}
    for spec in DEMO_USERS:
        fields = {key: value for key, value in spec.items() if key not in {"email", "role"}}
        user, _ = User.objects.get_or_create(email=spec["email"])
        for key, value in fields.items():
            setattr(user, key, value)
        user.onboarded_at = user.onboarded_at or timezone.now()
        if user.is_interviewer:  # the demo's interviewers are established: vetted, L5+ approved
            user.interviewer_vetted_at = user.interviewer_vetted_at or timezone.now()
            if user.interviewer_level == Level.L5:
                user.senior_approved_at = user.senior_approved_at or timezone.now()
        user.set_password(DEMO_PASSWORD)
        user.full_clean(exclude=["password"])
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        credits_grant_starter(user=user)
        users[spec["email"]] = user
    return users
