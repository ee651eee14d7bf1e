"""URLs of the H5P player, files and xAPI endpoint (included at /h5p/)."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import rest, views

app_name = "h5p"

urlpatterns = [
    path("archivos/<path:path>", views.files, name="files"),
    # The relay's messages in the visitor's language (djangojs catalog of h5p).
    path("textos.js", JavaScriptCatalog.as_view(packages=["h5p"]), name="js_catalog"),
    path("<slug:key>/", views.activity, name="activity"),
    path("<slug:key>/reproductor/", views.player, name="player"),
    # The relay's JSON endpoints, <key>/xapi/ and <key>/estado/ (django-ninja).
    path("", rest.rest_api.urls),
]
