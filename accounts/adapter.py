import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.credits import credits_grant_starter
from accounts.hooks import hooks
from accounts.services import token_revoke

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-in attempts. Wait a few minutes, or sign in with a code we e-mail "
            "you: “Send me a sign-in code”."
        ),
    }

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

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's messages are text: every one also gets an HTML part in PeerLoop's look."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if message.content_subtype == "plain" and not getattr(message, "alternatives", None):
            html = render_to_string("emails/account.html", {"text": message.body})
            message = EmailMultiAlternatives(
                message.subject, message.body, message.from_email, message.to, headers=message.extra_headers
            )
            message.attach_alternative(html, "text/html")
        return message

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

    def get_client_ip(self, request) -> str:
        """The client's address for every rate limit (allauth's and the API's): with
        TRUSTED_PROXY_COUNT proxies in front, the address the outermost one saw; entries a client
        put in X-Forwarded-For itself are ignored."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than trusted proxies: the request did not come through
            # them all, so no entry can be trusted; the peer's address is the only fact we have.
            logger.warning("X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT")
            return request.META["REMOTE_ADDR"]
