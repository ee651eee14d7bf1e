"""A returned report's earlier versions (imported by ``models.py``, so Django
registers the model with the app)."""

from __future__ import annotations

from django.db import models


class ReportRevision(models.Model):
    """A returned report as it was before its author corrected it.

    One row per return and resubmission: what the reviewer saw, why it came
    back, who returned it and when. The report itself holds the latest text.
    """

    report = models.ForeignKey(
        "monitoring.CitizenReport", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField()
    observed_progress = models.DecimalField(max_digits=5, decimal_places=2)
    checklist = models.JSONField(default=dict)
    observations = models.TextField(blank=True)
    verdict = models.CharField(max_length=20)
    evidence = models.JSONField(default=list)
    submitted_at = models.DateTimeField()
    return_reason = models.TextField(blank=True)
    returned_by_id = models.BigIntegerField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="one_revision_number_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"
