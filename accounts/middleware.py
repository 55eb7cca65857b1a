import zoneinfo
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

# Paths a signed-in user reaches before onboarding: the onboarding page itself,
# account management and sign-out, machine endpoints, static files.
ONBOARDING_EXEMPT = ("/onboarding/", "/accounts/", "/api/", "/admin/", "/healthz", "/static/", "/calendar/")


class ProfileMiddleware:
    """Shows pages in the user's own time zone, and sends new users to onboarding first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if not user.is_onboarded and not request.path.startswith(ONBOARDING_EXEMPT):
                return redirect(f"{reverse('onboarding')}?{urlencode({'next': request.get_full_path()})}")
            timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
