from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from accounts.hooks import hooks
from accounts.services import token_revoke


class AccountAdapter(DefaultAccountAdapter):
    def set_password(self, user, password) -> None:
        """A new password (changed or reset) also ends the old API token."""
        super().set_password(user, password)
        token_revoke(user=user)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Rendered here, in the request; sent through accounts.hooks.email_send (the outbox, with
        interviews installed), so a request never waits on the mail server."""
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        hooks.email_send(self.render_mail(template_prefix, email, context))

    def get_login_redirect_url(self, request) -> str:
        if not request.user.is_onboarded:
            return reverse("onboarding")
        return super().get_login_redirect_url(request)
