"""Events of civic roles, sent after the transaction that caused them commits,
in the locality's schema. Keyword arguments: application_id, user_id, role_id.

The dashboards' funnel follows them. The role credential and the outgoing
webhook do not wait for them: their tasks are written into the task outbox in
the transaction that made the change (``applications``, ``webhooks``).
"""

from django.dispatch import Signal

# A person got a seat: by first come, a committee, a lottery or the waiting list.
role_selected = Signal()
# A selected person left the role (withdrew, or was removed by the managers).
role_left = Signal()

# A role's rules changed (keyword: role_id), after commit. The recompute of its
# standings does not hang on this signal: its task is in the outbox with the change.
role_rules_changed = Signal()

# This locality's funnel counts (``api.funnel_counts_here``) may have changed: an
# application, a selection or leaving, or changed standings. No arguments; sent
# at most once per transaction, after it commits, in the locality's schema.
funnel_changed = Signal()
