"""Signals of the certificates app, for the apps that follow it (reporting)."""

from django.dispatch import Signal

# Sent once per new certificate, after the transaction that issued it commits, in
# the schema of the locality that issued it. Keyword arguments:
#   user_id: int, course_key: str, course_version: int, issued_at: datetime
# Not sent again when an issuance is repeated (the certificate already existed).
certificate_issued = Signal()
