import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import CompanyExperience, CompanyType, Level, User

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


class InterviewerFactory(UserFactory):
    current_level = Level.L5
    target_level = Level.L5
    is_interviewer = True
    interviewer_level = Level.L5
    company_experience = CompanyExperience.BOTH
    sessions_per_week = 5
