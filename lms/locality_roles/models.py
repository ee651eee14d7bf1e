"""What a person may do in one locality: group memberships and direct permissions.

These tables exist in every schema (the app is both shared and tenant), so a row
in Kennedy's schema grants nothing in Bosa's. ``user`` points at the city-wide
account in the public schema; ``group`` and ``permission`` at the locality's own
``auth`` tables, whose ids differ between schemas.
"""

from django.conf import settings
from django.db import models


class GroupMembership(models.Model):
    """A person belongs to a group (a role) in the active locality."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group"], name="unique_group_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} en {self.group_id}"


class PermissionGrant(models.Model):
    """A permission given to a person directly in the active locality."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    permission = models.ForeignKey("auth.Permission", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "permission"], name="unique_permission_grant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.permission_id}"
