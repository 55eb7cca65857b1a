from django.db import migrations
from django.db.models import Exists, OuterRef


def revoke_tokens_older_than_totp(apps, schema_editor):
    """Tokens made before their owner turned two-factor on would skip the code: revoked, as the
    app now does whenever two-factor is turned on."""
    Token = apps.get_model("authtoken", "Token")
    Authenticator = apps.get_model("mfa", "Authenticator")
    newer_totp = Authenticator.objects.filter(
        user=OuterRef("user"), type="totp", created_at__gt=OuterRef("created")
    )
    Token.objects.filter(Exists(newer_totp)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_calendar_token"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(revoke_tokens_older_than_totp, migrations.RunPython.noop)]
