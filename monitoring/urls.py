"""Public pages, mounted at ``/seguimiento/`` on each locality's site."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.project_list, name="projects"),
    path("proyectos/<str:code>/", views.project_detail, name="project"),
]
