"""Pages of the open-data labs (included at /datos/): open data, no login, except
the SQL editor, which asks for an account (ADR 0024)."""

from django.urls import path

from . import lab_answer_views, lab_views, views

app_name = "open_data"

urlpatterns = [
    path("", views.dataset_list, name="list"),
    path(
        "laboratorio/<slug:lab_key>/responder/",
        lab_answer_views.answer,
        name="lab_answer",
    ),
    path("<slug:key>/", views.dataset_detail, name="dataset"),
    path("<slug:key>/v<int:version>/", views.snapshot_profile, name="profile"),
    path("<slug:key>/v<int:version>/laboratorio/", lab_views.builder, name="lab"),
    path("<slug:key>/v<int:version>/sql/", lab_views.sql_editor, name="sql"),
    # The shared addresses above, as a CSV file (same query string).
    path(
        "<slug:key>/v<int:version>/laboratorio.csv",
        lab_answer_views.builder_csv,
        name="lab_csv",
    ),
    path("<slug:key>/v<int:version>/sql.csv", lab_answer_views.sql_csv, name="sql_csv"),
    path(
        "<slug:key>/v<int:version>/datos.parquet",
        views.snapshot_download,
        name="download",
    ),
]
