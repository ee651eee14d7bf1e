from __future__ import annotations

import itertools
from datetime import date

import pytest

from lms.accounts import api

_numbers = itertools.count(52_000_001)


@pytest.fixture
def register(db):
    """Register a person through the API; fields may be overridden."""

    def make(**fields):
        n = next(_numbers)
        values = {
            "first_name": "Ana María",
            "last_name": "Rojas",
            "email": f"ana{n}@example.org",
            "password": "clave-segura-1",
            "document_type": "CC",
            "document_number": str(n),
            "residence": "kennedy",
            "birth_date": date(1990, 5, 31),
        }
        values.update(fields)
        return api.register_person(**values)

    return make
