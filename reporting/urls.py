"""URLs of the dashboards, mounted at ``/tablero/`` on the campus and localities."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exportar.<str:fmt>", views.export, name="export"),
    path("metas/", views.save_target, name="save_target"),
    # From the campus, a program manager opens any locality's dashboard.
    path("localidad/<slug:schema_name>/", views.dashboard, name="locality"),
    path(
        "localidad/<slug:schema_name>/exportar.<str:fmt>",
        views.export,
        name="locality_export",
    ),
]
