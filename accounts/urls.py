from django.urls import path

from accounts import views

urlpatterns = [
    path("onboarding/", views.onboarding, name="onboarding"),
    path("profile/", views.profile, name="profile"),
    path("profile/notifications/", views.notification_preferences, name="notification-preferences"),
    path("profile/delete/", views.account_delete, name="account-delete"),
    path("profile/calendar-link/", views.calendar_token_reset, name="calendar-token-reset"),
]
