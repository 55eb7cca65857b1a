from django.urls import path

from interviews.matching import views as matching
from interviews.room import views as room
from interviews.scheduling import views as scheduling
from interviews.sessions import views as sessions

urlpatterns = [
    path("availability/", scheduling.availability_page, name="availability"),
    path("sessions/find/", sessions.find_slot, name="find-slot"),
    path("sessions/book/", sessions.book, name="book"),
    path("sessions/book/<int:slot_id>/", sessions.book_review, name="book-review"),
    path("interviewers/<int:pk>/", sessions.interviewer_profile, name="interviewer-profile"),
    path("sessions/", sessions.my_sessions, name="my-sessions"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session-detail"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/no-show/", sessions.session_no_show, name="session-no-show"),
    path("sessions/<int:pk>/room/", room.room_page, name="session-room"),
    path("sessions/<int:pk>/room/board.svg", room.board_image, name="session-board"),
    path("sessions/<int:pk>/reschedule/", sessions.session_reschedule, name="session-reschedule"),
    path("calendar/<str:token>.ics", sessions.calendar_feed_view, name="calendar-feed"),
    path("match-requests/", matching.match_requests_page, name="match-requests"),
    path("match-requests/<int:pk>/cancel/", matching.match_request_cancel, name="match-request-cancel"),
]
