"""Signals the accounts app sends to the apps that stand on it.

Both are sent once per locality schema, with that schema active, from a loop the
accounts API runs over ``tenants.api.locality_schemas()``.
"""

from django.dispatch import Signal

# Sent with ``user_id`` and ``schema_name`` inside the anonymization transaction
# (not on commit: receivers must scrub their rows in this schema, atomically with
# the account). Receivers delete or blank the person's personal data but keep
# rows that aggregate counts or issued certificates need, without personal data.
person_anonymized = Signal()

# Sent with ``user_id`` and ``schema_name`` when a person downloads their data.
# A receiver returns a dict ``{"section name": [ {field: value, ...}, ... ]}``
# (JSON-serialisable) with what its app holds about the person in this schema.
person_data_requested = Signal()

# Sent after commit when people's registration data or sensitive answers change,
# with ``user_ids: list[int] | None`` (None: many people at once, e.g. a bulk
# import — receivers should resynchronise everything, in the background).
# Receivers read what they need through ``lms.accounts.api`` (only answers given
# with consent exist there).
people_changed = Signal()
