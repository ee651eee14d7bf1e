"""URLs of the H5P player, files and xAPI endpoint (included at /h5p/)."""

from django.urls import path

from . import views

app_name = "h5p"

urlpatterns = [
    path("archivos/<path:path>", views.files, name="files"),
    path("<slug:key>/", views.activity, name="activity"),
    path("<slug:key>/reproductor/", views.player, name="player"),
    path("<slug:key>/xapi/", views.xapi, name="xapi"),
    path("<slug:key>/estado/", views.resume_state, name="state"),
]
