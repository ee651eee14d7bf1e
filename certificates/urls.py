"""URLs of the certificates app, mounted at ``/certificados/`` on every locality."""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verificar/", views.verify_form, name="verify"),
    path("verificar/<str:code>/", views.verify_code, name="verify_code"),
    path("verificar-credencial/", views.verify_credential, name="verify_credential"),
    path("emisor/", views.issuer, name="issuer"),
    path("emisor/claves/<str:key_id>/", views.key, name="key"),
    path("estado/", views.status_list, name="status_list"),
    path("mis-certificados/", views.my_certificates, name="mine"),
    path("<uuid:uuid>/certificado.pdf", views.download_pdf, name="pdf"),
    path("<uuid:uuid>/credencial.json", views.download_credential, name="credential"),
]
