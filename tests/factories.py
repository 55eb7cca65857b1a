from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.credits import credit_post, credits_grant_starter
from accounts.models import CompanyExperience, CompanyType, CreditCause, Level, User
from interviews.sessions.models import Question

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    """An onboarded member with a verified e-mail address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    display_name = factory.Sequence(lambda n: f"Member {n}")
    time_zone = "Europe/Berlin"
    current_level = Level.L3
    target_level = Level.L4
    target_company_type = CompanyType.FAANG
    onboarded_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def credits(self, create, extracted, **kwargs):
        """Like signing up: the starter credits (`credits=False` for none, `credits=N` for N)."""
        if not create or extracted is False:
            return
        if isinstance(extracted, int) and not isinstance(extracted, bool):
            credit_post(user=self, amount=extracted, cause=CreditCause.STARTER)
        else:
            credits_grant_starter(user=self)


class InterviewerFactory(UserFactory):
    current_level = Level.L5
    target_level = Level.L5
    is_interviewer = True
    interviewer_level = Level.L5
    company_experience = CompanyExperience.BOTH
    sessions_per_week = 5
    # An established interviewer: vetted, and approved for L5+.
    interviewer_vetted_at = factory.LazyFunction(timezone.now)
    senior_approved_at = factory.LazyFunction(timezone.now)


class SlotFactory(factory.django.DjangoModelFactory):
    """An open hour for an interviewer, two days from now unless told otherwise."""

    class Meta:
        model = "interviews.Slot"

    interviewer = factory.SubFactory(InterviewerFactory)
    start = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    )
    end = factory.LazyAttribute(lambda slot: slot.start + timedelta(hours=1))
    interviewer_level = factory.SelfAttribute("interviewer.interviewer_level")
    company_experience = factory.SelfAttribute("interviewer.company_experience")


class SessionFactory(factory.django.DjangoModelFactory):
    """A scheduled session, with times copied from its slot like a booking does."""

    class Meta:
        model = "interviews.Session"

    slot = factory.SubFactory(SlotFactory)
    interviewer = factory.SelfAttribute("slot.interviewer")
    candidate = factory.SubFactory(UserFactory)
    start = factory.SelfAttribute("slot.start")
    end = factory.SelfAttribute("slot.end")
    target_level = factory.SelfAttribute("candidate.target_level")
    company_type = factory.SelfAttribute("candidate.target_company_type")
    question = factory.LazyAttribute(
        lambda s: Question.objects.filter(company_type=s.company_type, is_active=True).order_by("pk").first()
    )
