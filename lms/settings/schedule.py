"""The periodic work `celery -A lms beat` starts (production runs one beat).

Times are in CELERY_TIMEZONE (Bogotá). Every entry expires well before the next
run, so a beat that was down does not pile up old runs when it comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from celery.schedules import crontab

SIX_HOURS = 60 * 60 * 6


def beat_schedule(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    return {
        # Dashboards: rebuild the reporting tables from every locality,
        # correcting drift.
        "reporting-nightly-recount": {
            "task": "reporting.recount",
            "schedule": crontab(hour=2, minute=30),
            "options": {"expires": SIX_HOURS},
        },
        # Civic roles: rebuild the city-wide index of certificates and recompute
        # every locality's standings (set-based), correcting any lost event.
        "participation-nightly-recount": {
            "task": "participation.recount",
            "schedule": crontab(hour=2, minute=50),
            "options": {"expires": SIX_HOURS},
        },
        # Tasks the broker missed (it was down at commit time) wait in the
        # outbox table; this sends them once it is back (tenants/outbox.py).
        "tenants-relay-outbox": {
            "task": "tenants.relay_outbox",
            "schedule": float(environ.get("OUTBOX_RELAY_SECONDS", "30")),
            "options": {"expires": 25},
        },
        # Learning records: forward xAPI statements to an external LRS in
        # batches, off the learner's request (LEARNING_LRS_URL; empty = off).
        "learning-forward-statements": {
            "task": "learning.forward_all_statements",
            "schedule": 60.0,
            "options": {"expires": 50},
        },
        # Session reminders for tomorrow and 14-day nudges, each morning.
        "learning-daily-notifications": {
            "task": "learning.daily_notifications",
            "schedule": crontab(hour=7, minute=0),
            "options": {"expires": SIX_HOURS},
        },
        # Citizen monitoring: official figures of each locality's investment
        # projects from Decidim (GraphQL) and SECOP II (datos.gov.co, Socrata),
        # every night, one task per locality.
        "monitoring-nightly-refresh": {
            "task": "monitoring.refresh_all_localities",
            "schedule": crontab(hour=3, minute=15),
            "options": {"expires": SIX_HOURS},
        },
        # Citizen reports whose 15 business days passed without the alcaldía's
        # answer are escalated (with a letter) each morning, one task per
        # locality.
        "monitoring-overdue-answers": {
            "task": "monitoring.escalate_all_localities",
            "schedule": crontab(hour=6, minute=30),
            "options": {"expires": SIX_HOURS},
        },
    }
