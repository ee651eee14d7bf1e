"""Sign-in with email, document or username, and the account key the limit counts by."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .identity_keys import normalize_document_login
from .signed_in import signed_in_user


def _canonical_username(login: str) -> str:
    """The account's username for an email, document or username, else the input.

    The rate limit counts failures per account, so "Ana@x.co", "ana@x.co",
    "CC 1.012.345.678" and her username must fall into the same counter.
    """
    login = (login or "").strip()
    user_model = get_user_model()
    if "@" in login:
        username = (
            user_model.objects.filter(email__iexact=login)
            .values_list("username", flat=True)
            .first()
        )
        return username or login.lower()
    document = normalize_document_login(login)
    if document is not None:
        doc_type, number = document
        matches = user_model.objects.filter(document_number=number)
        if doc_type:
            matches = matches.filter(document_type=doc_type)
        usernames = list(matches.values_list("username", flat=True)[:2])
        # Two accounts with the same number under different document types:
        # only the typed form ("TI 1012...") can tell them apart.
        if len(usernames) == 1:
            return usernames[0]
    return login


class EmailOrUsernameBackend(ModelBackend):
    """Django's ModelBackend, also accepting the email (any case) or the document."""

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

    def get_user(self, user_id: Any) -> Any:
        """The signed-in account, from the cache between requests (signed_in.py)."""
        return signed_in_user(user_id, super().get_user)


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """django-axes hook: the counter key for the login typed (ADR 0006)."""
    login = ""
    if credentials:
        login = credentials.get("username") or ""
    if not login and request is not None and request.method == "POST":
        login = request.POST.get("username", "")
    return _canonical_username(login)
