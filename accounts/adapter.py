import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

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
