"""Learning records: xAPI statements and each learner's state per activity.

Both tables live in every locality's schema (a tenant app): a learner's records in
Kennedy are not visible from Bosa. Activities are identified by stable string keys
(``h5p:<content key>``), never by database ids, so a course copied to a locality
keeps meaning the same activities.
"""

from django.db import models


class XapiStatement(models.Model):
    """One xAPI statement as received. Holds personal data (who answered what).

    ``statement_id`` is the statement's own UUID: storing the same statement twice
    (a retried request) is a no-op, enforced by the unique constraint.
    """

    statement_id = models.UUIDField("id de la declaración", unique=True)
    # The city-wide account's id (public schema). Not a foreign key: a key from a
    # locality's table to the public user table breaks deleting the person from
    # the public schema (Django looks for these rows there). Erasing a person
    # must delete their rows in every locality (certificates do the same).
    user_id = models.BigIntegerField("persona (id)")
    activity_key = models.CharField("actividad", max_length=200, db_index=True)
    verb = models.CharField("verbo", max_length=200)
    # False for statements about a sub-question (H5P subContentId): they are kept
    # for reports but do not decide the activity's own result.
    counts_for_activity = models.BooleanField(default=True)
    score_raw = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    completion = models.BooleanField(null=True, blank=True)
    statement = models.JSONField("declaración")
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "declaración xAPI"
        verbose_name_plural = "declaraciones xAPI"
        indexes = [models.Index(fields=["user_id", "activity_key"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.activity_key}"


class ActivityState(models.Model):
    """A learner's progress in one activity. Holds personal data (results).

    Derived from the statements (attempted, completed, passed, best score), plus
    the player's saved state so the learner can resume where they left off.
    """

    user_id = models.BigIntegerField("persona (id)")
    activity_key = models.CharField("actividad", max_length=200)
    attempted = models.BooleanField(default=False)
    completed = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)
    failed = models.BooleanField(default=False)
    best_score_scaled = models.FloatField(null=True, blank=True)
    best_score_raw = models.FloatField(null=True, blank=True)
    best_score_max = models.FloatField(null=True, blank=True)
    statements_count = models.PositiveIntegerField(default=0)
    resume_state = models.TextField("estado para continuar", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "estado de actividad"
        verbose_name_plural = "estados de actividad"
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "activity_key"], name="unique_activity_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.activity_key}"
