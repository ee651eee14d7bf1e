"""People: one city-wide account per person, in the public schema.

A person counts once toward the 50,000 target, may live in one locality and study in
another, and keeps one login. What a person may do in a locality is not stored here:
group memberships and permissions are rows of ``lms.locality_roles`` inside each
locality's schema (docs/decisions/0002-where-people-live.md).

Invariants:
- One account per identity document: (document type, normalized number) is unique.
- Email is unique without regard to case (stored lowercased by ``api``).
- Sensitive answers (Ley 1581 de 2012) live apart from the account, each with its
  own consent record; withdrawing consent deletes the answer.
- Deletion is anonymization (docs/decisions/0006-accounts.md): the row stays so that
  aggregate counts and issued certificates survive, the personal data does not.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .data import ANSWER_CHOICES, DOCUMENT_TYPE_LABELS, QUESTION_LABELS


class User(AbstractUser):
    """A person with an account. Holds personal data (name, email, identity
    document, date of birth, locality of residence).

    ``groups`` and ``user_permissions`` go through models of ``lms.locality_roles``,
    whose tables exist in every schema: the same person has different groups in
    Kennedy and in Bosa, and Wagtail's permission checks (which join
    ``group__user``) see only the active locality's rows.
    """

    email = models.EmailField(
        _("correo electrónico"), unique=True, null=True, blank=True
    )
    groups = models.ManyToManyField(
        "auth.Group",
        through="locality_roles.GroupMembership",
        verbose_name=_("grupos"),
        blank=True,
        related_name="user_set",
        related_query_name="user",
        help_text=_("Grupos (roles) de la persona en esta localidad."),
    )
    user_permissions = models.ManyToManyField(
        "auth.Permission",
        through="locality_roles.PermissionGrant",
        verbose_name=_("permisos"),
        blank=True,
        related_name="user_set",
        related_query_name="user",
    )
    # Blank only for platform accounts created by hand (e.g. the dev "admin").
    document_type = models.CharField(
        _("tipo de documento"),
        max_length=3,
        choices=list(DOCUMENT_TYPE_LABELS.items()),
        blank=True,
    )
    document_number = models.CharField(
        _("número de documento"), max_length=20, blank=True
    )
    residence_locality = models.ForeignKey(
        "tenants.Locality",
        verbose_name=_("localidad de residencia"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        # By schema name: callers hold tenants.api's LocalityData, never a pk.
        to_field="schema_name",
        db_column="residence_schema",
        limit_choices_to={"kind": "locality"},
        related_name="+",
    )
    birth_date = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    anonymized_at = models.DateTimeField(null=True, blank=True)
    # The site where the account was created (a locality's or the campus's schema;
    # blank for platform accounts): its staff may see the person they registered.
    registered_in = models.CharField(max_length=63, blank=True, default="")

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        # Given through the roles table (lms.locality_roles.data.ROLE_POLICY).
        permissions = [
            (
                "find_person_by_document",
                _("Buscar una persona por su número de documento completo"),
            ),
            (
                "view_person_document",
                _("Ver el número de documento completo de una persona"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"],
                condition=~models.Q(document_number=""),
                name="one_account_per_document",
            ),
            models.UniqueConstraint(
                Lower("email"), name="email_unique_case_insensitive"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


_QUESTION_CHOICES = [(q.value, label) for q, label in QUESTION_LABELS.items()]
_ALL_ANSWERS = sorted(
    {
        (code, label)
        for answers in ANSWER_CHOICES.values()
        for code, label in answers.items()
    }
)


class SensitiveAnswer(models.Model):
    """A person's answer to one sensitive question. Holds sensitive personal data
    (Ley 1581 de 2012, art. 5). Exists only while its consent is in force.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sensitive_answers"
    )
    question = models.CharField(max_length=32, choices=_QUESTION_CHOICES)
    answer = models.CharField(max_length=32, choices=_ALL_ANSWERS)
    consent_given_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("respuesta sensible")
        verbose_name_plural = _("respuestas sensibles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.question}"


class ConsentRecord(models.Model):
    """Evidence of a person's authorization for one sensitive question: when it was
    given, the purpose text shown, and when it was withdrawn. Holds personal data
    (who consented to what); kept after withdrawal as proof (Decreto 1377 de 2013,
    art. 8), deleted on anonymization.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="consent_records"
    )
    question = models.CharField(max_length=32, choices=_QUESTION_CHOICES)
    purpose_text = models.TextField()
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("autorización de dato sensible")
        verbose_name_plural = _("autorizaciones de datos sensibles")
        indexes = [models.Index(fields=["user", "question"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.question}"


class PolicyAcceptance(models.Model):
    """A person's authorization of the data-processing policy (Ley 1581 de 2012,
    art. 9): which version, when, from which site. Holds personal data. Kept as
    evidence while the account exists; the authorization is withdrawn by deleting
    the account («Mis datos»), which stamps ``withdrawn_at`` and then removes it
    with the rest of the person's data.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="policy_acceptances"
    )
    policy_version = models.CharField(max_length=32)
    accepted_at = models.DateTimeField()
    accepted_in = models.CharField(max_length=63, blank=True, default="")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("autorización de tratamiento de datos")
        verbose_name_plural = _("autorizaciones de tratamiento de datos")
        indexes = [models.Index(fields=["user", "accepted_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.policy_version}"
