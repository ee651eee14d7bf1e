"""Signals of the certificates app, for the apps that follow it (reporting)."""

from django.dispatch import Signal

# Sent once per new certificate, after the transaction that issued it commits, in
# the schema of the locality that issued it. Keyword arguments:
#   user_id: int, course_key: str, course_version: int, issued_at: datetime
# Not sent again when an issuance is repeated (the certificate already existed);
# sent for the replacement of a revoked certificate (a new certificate).
certificate_issued = Signal()

# Sent after a revocation commits, in the locality's schema, so the city figures
# stop counting a certificate that no longer stands. Keyword arguments:
#   user_id: int, course_key: str,
#   certified_since: datetime | None -- first issue date among the person's
#     certificates of this course that are still valid (None: none is)
certificate_revoked = Signal()
