"""The catalog's choices: themes, modalities and levels of a course."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    """The five investment lines of the Local Development Funds, and cross themes."""

    LOCAL_ECONOMY = "economia_local", _("Economía local")
    INFRASTRUCTURE = "infraestructura", _("Infraestructura")
    SOCIAL_REACTIVATION = (
        "reactivacion",
        _("Reactivación social y económica con enfoque de género y diferencial"),
    )
    ENVIRONMENT = "ambiente", _("Ambiente")
    RURALITY = "ruralidad", _("Ruralidad")
    PARTICIPATORY_BUDGETING = "presupuestos", _("Presupuestos participativos")
    OPEN_GOVERNMENT = "gobierno_abierto", _("Gobierno abierto y control social")
    OPEN_DATA = "datos_abiertos", _("Datos abiertos")
    DIGITAL_DEMOCRACY = "democracia_digital", _("Democracia digital")


class Modality(models.TextChoices):
    VIRTUAL = "virtual", _("Virtual")
    IN_PERSON = "presencial", _("Presencial")
    BLENDED = "mixta", _("Mixta (virtual y presencial)")


class Level(models.TextChoices):
    BASIC = "basico", _("Básico")
    INTERMEDIATE = "intermedio", _("Intermedio")
    ADVANCED = "avanzado", _("Avanzado")
