"""Public pages and a veedor's pages, mounted at ``/seguimiento/`` on each
locality's site."""

from django.urls import path

from . import open_data_views, report_views, veeduria_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("proyectos/<str:code>/", views.project_detail, name="project"),
    # Open data (no sign-in): the same rows as the REST API at /api/seguimiento/.
    path("datos/proyectos.csv", open_data_views.projects_csv, name="projects_csv"),
    path("datos/proyectos.json", open_data_views.projects_json, name="projects_json"),
    path("datos/reportes.csv", open_data_views.reports_csv, name="reports_csv"),
    path("datos/reportes.json", open_data_views.reports_json, name="reports_json"),
    # OCDS 1.1 release package (implementation milestones and report documents).
    path("datos/ocds.json", open_data_views.ocds_package, name="ocds"),
    path(
        "datos/ocds/<str:code>.json", open_data_views.ocds_package, name="ocds_project"
    ),
    path(
        "proyectos/<str:code>/reportar/", report_views.report_form, name="report_form"
    ),
    path("mis-proyectos/", report_views.my_projects, name="my_projects"),
    path("reportes/<str:report_uuid>/", report_views.report_detail, name="report"),
    path(
        "reportes/<str:report_uuid>/corregir/",
        report_views.report_correct,
        name="report_correct",
    ),
    path("fotos/<str:photo_uuid>.jpg", report_views.photo, name="photo"),
    path(
        "veedurias/<int:veeduria_id>/acta-de-constitucion.pdf",
        veeduria_views.founding_record,
        name="founding_record",
    ),
    path(
        "reportes/<str:report_uuid>/carta-de-escalamiento.txt",
        report_views.escalation_letter,
        name="letter",
    ),
]
