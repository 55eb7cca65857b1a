from django.urls import path

from rubrics import views

urlpatterns = [
    path("sessions/<int:pk>/evaluation/", views.evaluation_form, name="evaluation-form"),
    path("sessions/<int:pk>/rating/", views.rate_interviewer, name="rate-interviewer"),
    path("feedback/", views.feedback_history, name="feedback-history"),
    path("questions/", views.question_library, name="question-library"),
    path("staff/calibration/", views.staff_calibration, name="staff-calibration"),
]
