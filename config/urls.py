from allauth.account.decorators import secure_admin_login
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from accounts import views as accounts_views
from config import api as config_api
from config import views
from interviews.matching import api as matching_api
from interviews.room import api as room_api
from interviews.scheduling import api as scheduling_api
from interviews.sessions import api as sessions_api
from rubrics import api as rubrics_api

# Staff sign in through allauth (rate limits, MFA) rather than the admin's own form.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "PeerLoop administration"

api_v1 = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("me/credits/", accounts_api.MyCreditsView.as_view(), name="api-my-credits"),
    path("me/notifications/", accounts_api.MyNotificationsView.as_view(), name="api-my-notifications"),
    path("me/export/", config_api.MyExportView.as_view(), name="api-my-export"),
    path("me/delete/", accounts_api.MyAccountDeleteView.as_view(), name="api-my-delete"),
    path("me/placement/", rubrics_api.MyPlacementView.as_view(), name="api-my-placement"),
    path("me/evaluations/", rubrics_api.MyEvaluationsView.as_view(), name="api-my-evaluations"),
    path("availability/", scheduling_api.AvailabilityView.as_view(), name="api-availability"),
    path(
        "availability/<int:pk>/",
        scheduling_api.AvailabilityDetailView.as_view(),
        name="api-availability-detail",
    ),
    path("blocked-dates/", scheduling_api.BlockedDatesView.as_view(), name="api-blocked-dates"),
    path(
        "blocked-dates/<int:pk>/",
        scheduling_api.BlockedDateDetailView.as_view(),
        name="api-blocked-date-detail",
    ),
    path("slots/", sessions_api.SlotsView.as_view(), name="api-slots"),
    path("sessions/", sessions_api.SessionsView.as_view(), name="api-sessions"),
    path("sessions/<int:pk>/", sessions_api.SessionDetailView.as_view(), name="api-session-detail"),
    path("sessions/<int:pk>/cancel/", sessions_api.SessionCancelView.as_view(), name="api-session-cancel"),
    path(
        "sessions/<int:pk>/reschedule/",
        sessions_api.SessionRescheduleView.as_view(),
        name="api-session-reschedule",
    ),
    path("sessions/<int:pk>/no-show/", sessions_api.SessionNoShowView.as_view(), name="api-session-no-show"),
    path("sessions/<int:pk>/room/", room_api.RoomView.as_view(), name="api-room"),
    path("sessions/<int:pk>/room/actions/", room_api.RoomActionView.as_view(), name="api-room-actions"),
    path("sessions/<int:pk>/evaluation/", rubrics_api.EvaluationView.as_view(), name="api-evaluation"),
    path("sessions/<int:pk>/rating/", rubrics_api.RatingView.as_view(), name="api-rating"),
    path("rubrics/current/", rubrics_api.CurrentRubricView.as_view(), name="api-rubric-current"),
    path("match-requests/", matching_api.MatchRequestsView.as_view(), name="api-match-requests"),
    path(
        "match-requests/<int:pk>/cancel/",
        matching_api.MatchRequestCancelView.as_view(),
        name="api-match-request-cancel",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/export/", views.profile_export, name="profile-export"),
    path("", include("accounts.urls")),
    path("", include("interviews.urls")),
    path("", include("rubrics.urls")),
    # allauth's sign-in, answering 429 when its limits stop an attempt.
    path("accounts/login/", accounts_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI styles itself inline; its scripts still load only from us.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
