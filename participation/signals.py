"""Events of civic roles, sent after the transaction that caused them commits,
in the locality's schema. Keyword arguments: application_id, user_id, role_id.

The role credential follows them (``handlers``); the outgoing webhook and the
dashboards' funnel too.
"""

from django.dispatch import Signal

# A person got a seat: by first come, a committee, a lottery or the waiting list.
role_selected = Signal()
# A selected person left the role (withdrew, or was removed by the managers).
role_left = Signal()

# A webhook event was stored and committed: send it (keyword: delivery_id).
webhook_recorded = Signal()

# A role's rules changed (keyword: role_id): its standings are recomputed.
role_rules_changed = Signal()

# This locality's funnel counts (``api.funnel_counts_here``) may have changed: an
# application, a selection or leaving, or changed standings. No arguments; sent
# at most once per transaction, after it commits, in the locality's schema.
funnel_changed = Signal()
