from django.utils import timezone
from rest_framework.authentication import TokenAuthentication


class ZonedTokenAuthentication(TokenAuthentication):
    """Token authentication that, like the pages, reads and shows times in the user's zone."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            timezone.activate(result[0].zone)  # ProfileMiddleware deactivates after the response
        return result
