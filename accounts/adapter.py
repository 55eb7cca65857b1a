from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from accounts.credits import credits_grant_starter
from accounts.services import token_revoke


class AccountAdapter(DefaultAccountAdapter):
    def set_password(self, user, password) -> None:
        """A new password (changed or reset) also ends the old API token."""
        super().set_password(user, password)
        token_revoke(user=user)

    def save_user(self, request, user, form, commit=True):
        """A new member starts with credits for two sessions."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            credits_grant_starter(user=user)
        return user

    def get_login_redirect_url(self, request) -> str:
        if not request.user.is_onboarded:
            return reverse("onboarding")
        return super().get_login_redirect_url(request)
