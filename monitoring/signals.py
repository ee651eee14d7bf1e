"""Events of citizen monitoring that the dashboards follow. Each is sent after
the transaction that caused it commits, in the locality's schema, with no
arguments: a listener reads the locality's figures again through ``api``
(``barrio_coverage_here``, ``funnel_here``).
"""

from django.dispatch import Signal

# A workshop was marked, changed or unmarked: the barrios reached may differ.
workshops_changed = Signal()

# An assignment, a veeduría's members, a report or an answer changed: the
# monitoring funnel (active → filed → published → answered on time) may differ.
# Sent at most once per transaction.
funnel_changed = Signal()
