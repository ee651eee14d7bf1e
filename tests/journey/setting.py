"""Names, people and places the journey's fixture and test share."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings as django_settings

from tenants.data import LocalitySpec

SPEC = LocalitySpec(schema_name="test_journey", name="Engativá", slug="engativa")
HOST = "engativa-viaje.localhost"
PASSWORD = "clave-segura-1"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"
TRUE_FALSE = (
    Path(django_settings.BASE_DIR).parent
    / "shared/fixtures/h5p/valid/H5P.TrueFalse.h5p"
)
NEIGHBOURS = {"phone": ("Rosa Elvira", "Cárdenas"), "desktop": ("Jairo", "Peñaloza")}
# What the facilitator types: no accents, no capitals.
TYPED = {"phone": "cardenas", "desktop": "penaloza"}
