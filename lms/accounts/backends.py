"""Sign-in with email or username, and the account key the rate limit counts by."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


def _canonical_username(login: str) -> str:
    """The account's username for an email or username, else the input as typed.

    The rate limit counts failures per account, so "Ana@x.co", "ana@x.co" and
    "ana" (her username) must fall into the same counter.
    """
    login = (login or "").strip()
    if "@" not in login:
        return login
    user_model = get_user_model()
    username = (
        user_model.objects.filter(email__iexact=login)
        .values_list("username", flat=True)
        .first()
    )
    return username or login.lower()


class EmailOrUsernameBackend(ModelBackend):
    """Django's ModelBackend, also accepting the email (any case) as the login."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        return super().authenticate(
            request, username=_canonical_username(username), password=password
        )


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """django-axes hook: the counter key for the login typed (ADR 0006)."""
    login = ""
    if credentials:
        login = credentials.get("username") or ""
    if not login and request is not None and request.method == "POST":
        login = request.POST.get("username", "")
    return _canonical_username(login)
