from django.urls import path

from interviews import views

urlpatterns = [
    path("availability/", views.availability_page, name="availability"),
    path("sessions/find/", views.find_slot, name="find-slot"),
    path("sessions/book/", views.book, name="book"),
    path("sessions/", views.my_sessions, name="my-sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/no-show/", views.session_no_show, name="session-no-show"),
    path("sessions/<int:pk>/reschedule/", views.session_reschedule, name="session-reschedule"),
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar-feed"),
    path("match-requests/", views.match_requests_page, name="match-requests"),
    path("match-requests/<int:pk>/cancel/", views.match_request_cancel, name="match-request-cancel"),
]
