"""Civic roles under /participacion/ on each locality's site."""

from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.roles, name="roles"),
    path("roles/<int:role_id>/", views.role, name="role"),
    path("roles/<int:role_id>/retirarse/", views.withdraw, name="withdraw"),
    path("roles/<int:role_id>/credencial.json", views.credential, name="credential"),
    path("roles/<int:role_id>/requisitos", views.requirements, name="requirements"),
    path("roles/<int:role_id>/sorteo", views.lottery, name="lottery"),
]
