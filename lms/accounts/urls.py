"""Account pages under /cuenta/ (sign-in and sign-out are in lms/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import ActivationPasswordResetForm, VerifyingSetPasswordForm

urlpatterns = [
    path("registro/", views.register, name="register"),
    path("politica-de-datos/", views.data_policy, name="data_policy"),
    path("verificar/<uidb64>/<token>/", views.verify_email, name="verify_email"),
    path("mis-datos/", views.my_data, name="my_data"),
    path("mis-datos/verificar/", views.resend_verification, name="resend_verification"),
    path("mis-datos/descargar.json", views.my_data_json, name="my_data_json"),
    path("mis-datos/descargar.csv", views.my_data_csv, name="my_data_csv"),
    path("mis-datos/sensibles/", views.sensitive_data, name="sensitive_data"),
    path("mis-datos/eliminar/", views.delete_account, name="delete_account"),
    path("importar/", views.import_participants, name="import_participants"),
    path(
        "importar/<str:token>/rechazadas.csv",
        views.import_rejected,
        name="import_rejected",
    ),
    # Django's password reset, in Spanish; it also activates imported accounts.
    path(
        "clave/",
        auth_views.PasswordResetView.as_view(form_class=ActivationPasswordResetForm),
        name="password_reset",
    ),
    path(
        "clave/enviada/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "clave/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=VerifyingSetPasswordForm
        ),
        name="password_reset_confirm",
    ),
    path(
        "clave/lista/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
