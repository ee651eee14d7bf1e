"""What identifies an account on screen and at sign-in, without exposing a document.

Usernames are opaque (``persona-3f9a1c0b7d2e``): a username travels in admin
lists, logs and URLs, so it must not be the identity document. People sign in
with their email or their document number; staff see a document masked.
"""

from __future__ import annotations

import re
import secrets

__all__ = ["mask_document", "normalize_document_login"]

_SEPARATORS = re.compile(r"[\s.\-,]")
_TYPED_DOCUMENT = re.compile(r"^(CC|TI|CE|PPT|PA)?([0-9A-Z]{3,20})$")


def new_username() -> str:
    """A fresh opaque username (48 random bits; the unique index catches the rest)."""
    return f"persona-{secrets.token_hex(6)}"


def normalize_document_login(login: str) -> tuple[str | None, str] | None:
    """(type or None, number) when ``login`` reads as a document, else ``None``.

    Accepts what people type: "1.012.345.678", "CC 1012345678", "cc1012345678".
    """
    compact = _SEPARATORS.sub("", login or "").upper()
    match = _TYPED_DOCUMENT.match(compact)
    if match is None or not any(ch.isdigit() for ch in compact):
        return None
    return match.group(1), match.group(2)


def mask_document(document_type: str, document_number: str) -> str:
    """The last four characters only ("CC ••••5678"); empty when there is none."""
    if not document_number:
        return ""
    tail = document_number[-4:] if len(document_number) > 4 else document_number[-2:]
    return f"{document_type} ••••{tail}".strip()
