"""Learner and facilitator pages, mounted at /aprendizaje/ by lms.urls."""

from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.my_learning, name="mine"),
    path("cursos/<slug:course_key>/inscribirse/", views.enroll, name="enroll"),
    path("cursos/<slug:course_key>/retirarse/", views.withdraw, name="withdraw"),
    path("asistencia/<str:token>/", views.check_in, name="check_in"),
    path(
        "sesiones/<int:session_id>/asistencia/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "sesiones/<int:session_id>/qr/",
        views.session_qr,
        name="session_qr",
    ),
    path("avisos/baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
