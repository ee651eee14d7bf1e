"""Public pages and a veedor's pages, mounted at ``/seguimiento/`` on each
locality's site."""

from django.urls import path

from . import report_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("proyectos/<str:code>/", views.project_detail, name="project"),
    path(
        "proyectos/<str:code>/reportar/", report_views.report_form, name="report_form"
    ),
    path("mis-proyectos/", report_views.my_projects, name="my_projects"),
    path("reportes/<str:report_uuid>/", report_views.report_detail, name="report"),
    path("fotos/<str:photo_uuid>.jpg", report_views.photo, name="photo"),
    path(
        "reportes/<str:report_uuid>/carta-de-escalamiento.txt",
        report_views.escalation_letter,
        name="letter",
    ),
]
