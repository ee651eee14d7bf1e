"""Signals of the learning records, for higher layers to connect to.

Defined here (the learning core) so that apps above it, such as certificates, can
listen without the learning core importing them (docs/decisions/0005-app-layers.md).
"""

from django.dispatch import Signal

# Sent once, after the transaction that completed the course commits, in the
# schema of the locality where the learner completed it (issue #6 sends it).
# Keyword arguments:
#   user_id: int            -- the city-wide account (lms.accounts.User id)
#   course_key: str         -- the course's stable key (same in every locality copy)
#   course_version: int     -- the version of the course the learner completed
#   completed_at: datetime  -- aware datetime of completion
course_completed = Signal()
