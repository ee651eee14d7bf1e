"""Signals the tenancy layer sends to the apps that stand on it."""

from django.dispatch import Signal

# Sent after a locality's schema exists (cloned or migrated), with
# ``schema_name`` and ``domain``. Receivers set up the schema's own content
# (Wagtail site, home page) and are run with that schema active.
locality_provisioned = Signal()
