from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        authenticator_added.connect(_token_revoke_on_two_factor, dispatch_uid="accounts-token-revoke-totp")


def _token_revoke_on_two_factor(sender, request, user, authenticator, **kwargs) -> None:
    # A token made before two-factor was on would let its holder skip the code.
    from allauth.mfa.models import Authenticator
    from django.contrib import messages

    from accounts.services import token_revoke

    if authenticator.type == Authenticator.Type.TOTP and token_revoke(user=user):
        messages.warning(
            request,
            "Two-factor is on, so your API token no longer works. Get a new one with your e-mail, "
            "password and the code from your authenticator app (POST /api/v1/auth/token/).",
        )
