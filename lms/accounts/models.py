"""People: one city-wide account per person, in the public schema.

A person counts once toward the 50,000 target, may live in one locality and study in
another, and keeps one login. What a person may do in a locality is not stored here:
group memberships and permissions are rows of ``lms.locality_roles`` inside each
locality's schema (docs/decisions/0002-where-people-live.md).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person with an account. Holds personal data (name, email).

    ``groups`` and ``user_permissions`` go through models of ``lms.locality_roles``,
    whose tables exist in every schema: the same person has different groups in
    Kennedy and in Bosa, and Wagtail's permission checks (which join
    ``group__user``) see only the active locality's rows.
    """

    email = models.EmailField("correo electrónico", unique=True, null=True, blank=True)
    groups = models.ManyToManyField(
        "auth.Group",
        through="locality_roles.GroupMembership",
        verbose_name="grupos",
        blank=True,
        related_name="user_set",
        related_query_name="user",
        help_text="Grupos (roles) de la persona en esta localidad.",
    )
    user_permissions = models.ManyToManyField(
        "auth.Permission",
        through="locality_roles.PermissionGrant",
        verbose_name="permisos",
        blank=True,
        related_name="user_set",
        related_query_name="user",
    )

    class Meta:
        verbose_name = "persona"
        verbose_name_plural = "personas"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
