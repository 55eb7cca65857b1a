from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        if not request.user.is_onboarded:
            return reverse("onboarding")
        return super().get_login_redirect_url(request)
