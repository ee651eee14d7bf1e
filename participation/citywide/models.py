"""Participation's city-wide tables, in the public schema (a shared app).

The rest of participation lives in each locality's schema; these tables are
here because a certificate is the person's wherever it was earned, and reading
every locality's certificates on each eligibility check grew with the number of
localities. The public schema is on every locality's search path, so a locality
reads this table in one query.
"""

from django.db import models


class CertifiedCourse(models.Model):
    """A person holds a valid certificate of a course, issued in one locality.

    Kept by the certificates' issued/revoked signals and rebuilt by the nightly
    recount from each locality's certificates; revoked certificates never have a
    row. ``schema_name`` is the issuing locality, so the recount of one locality
    replaces only its own rows. Holds personal data (who is certified in what).
    """

    user_id = models.BigIntegerField("persona (id)")
    course_key = models.SlugField(max_length=80)
    schema_name = models.CharField(max_length=63)
    certified_since = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "user_id", "course_key"],
                name="one_certified_course_per_locality",
            )
        ]
        indexes = [models.Index(fields=["user_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_key} ({self.schema_name})"
