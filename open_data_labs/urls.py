"""Public pages of the open-data labs (included at /datos/): open data, no login."""

from django.urls import path

from . import views

app_name = "open_data"

urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("<slug:key>/", views.dataset_detail, name="dataset"),
    path("<slug:key>/v<int:version>/", views.snapshot_profile, name="profile"),
    path(
        "<slug:key>/v<int:version>/datos.parquet",
        views.snapshot_download,
        name="download",
    ),
]
