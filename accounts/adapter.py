from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from accounts.services import token_revoke


class AccountAdapter(DefaultAccountAdapter):
    def set_password(self, user, password) -> None:
        """A new password (changed or reset) also ends the old API token."""
        super().set_password(user, password)
        token_revoke(user=user)

    def get_login_redirect_url(self, request) -> str:
        if not request.user.is_onboarded:
            return reverse("onboarding")
        return super().get_login_redirect_url(request)
