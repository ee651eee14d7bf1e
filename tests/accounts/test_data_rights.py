"""Sensitive data with consent, the data export, and deletion by anonymization."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from lms.accounts import api
from lms.accounts.data import PREFER_NOT_TO_SAY, Question
from lms.accounts.models import ConsentRecord
from lms.accounts.signals import person_anonymized, person_data_requested
from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from tenants import api as tenants_api


def test_an_answer_needs_consent(register):
    person = register()
    with pytest.raises(ValidationError) as refused:
        api.answer_sensitive_question(
            person.user_id, Question.GENDER, "mujer", consent=False
        )
    assert "autorización" in refused.value.messages[0]
    assert api.sensitive_answers_of(person.user_id) == {}


def test_prefer_not_to_say_change_and_withdraw(register):
    person = register()
    api.answer_sensitive_question(
        person.user_id, Question.ETHNIC_GROUP, PREFER_NOT_TO_SAY, consent=True
    )
    api.answer_sensitive_question(
        person.user_id, Question.ETHNIC_GROUP, "raizal", consent=True
    )
    held = api.sensitive_answers_of(person.user_id)
    assert held[Question.ETHNIC_GROUP].answer == "raizal"
    assert ConsentRecord.objects.filter(user_id=person.user_id).count() == 1

    assert api.withdraw_consent(person.user_id, Question.ETHNIC_GROUP) is True
    assert api.sensitive_answers_of(person.user_id) == {}
    record = ConsentRecord.objects.get(user_id=person.user_id)
    assert record.withdrawn_at is not None and "Ley 1581" in record.purpose_text
    assert api.withdraw_consent(person.user_id, Question.ETHNIC_GROUP) is False


def test_unknown_answers_are_refused(register):
    person = register()
    with pytest.raises(ValidationError):
        api.answer_sensitive_question(
            person.user_id, Question.DISABILITY, "tal vez", consent=True
        )


def test_counts_suppress_small_cells(register):
    for i in range(6):
        p = register()
        api.answer_sensitive_question(
            p.user_id, Question.GENDER, "mujer" if i < 5 else "no_binario", consent=True
        )
    cells = {c.value: c.count for c in api.count_sensitive_answers(Question.GENDER)}
    assert cells["mujer"] >= 5
    assert cells["no_binario"] is None  # one person: suppressed
    groups = {c.value for c in api.count_by_age_group()}
    assert groups == {"14-27", "28-59", "60+"}


def test_export_holds_everything_in_json_and_csv(register, town_a):
    person = register()
    api.answer_sensitive_question(person.user_id, Question.RURAL, "si", consent=True)
    with tenants_api.in_locality(town_a):
        roles_api.grant_role(person.user_id, Role.FACILITATOR)

    @receiver(person_data_requested, weak=False)
    def learning(sender, *, user_id, schema_name, **kwargs):
        return (
            {"inscripciones": [{"curso": "veeduria"}]}
            if schema_name == town_a
            else None
        )

    try:
        data = api.export_person_data(person.user_id)
        text = api.export_person_csv(person.user_id)
    finally:
        person_data_requested.disconnect(learning)
    assert data["cuenta"]["numero_documento"] == person.document_number
    assert data["datos_sensibles"][0]["respuesta"] == "si"
    assert data["autorizaciones"][0]["retirada_el"] is None
    assert data["localidades"][town_a] == {
        "roles": [Role.FACILITATOR.value],
        "inscripciones": [{"curso": "veeduria"}],
    }
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["seccion", "campo", "valor"]
    assert ["cuenta", "correo", person.email] in rows
    assert [f"localidades.{town_a}.inscripciones[0]", "curso", "veeduria"] in rows


def test_anonymization_scrubs_every_schema_and_keeps_the_count(
    register, town_a, town_b
):
    person = register()
    keep = register()
    api.answer_sensitive_question(person.user_id, Question.LGBTIQ, "si", consent=True)
    for schema in (town_a, town_b):
        with tenants_api.in_locality(schema):
            roles_api.grant_role(person.user_id, Role.LOCALITY_MANAGER)
            roles_api.grant_role(keep.user_id, Role.LOCALITY_MANAGER)
    heard = []

    @receiver(person_anonymized, weak=False)
    def scrub(sender, *, user_id, schema_name, **kwargs):
        heard.append((user_id, schema_name, tenants_api.current_schema()))

    before = get_user_model().objects.count()
    try:
        api.anonymize_person(person.user_id)
    finally:
        person_anonymized.disconnect(scrub)

    assert get_user_model().objects.count() == before  # aggregate counts survive
    user = get_user_model().objects.get(pk=person.user_id)
    assert (user.first_name, user.email, user.document_number, user.birth_date) == (
        "",
        None,
        "",
        None,
    )
    assert user.username == f"anonimo-{user.pk}"
    assert not user.is_active and not user.has_usable_password()
    assert user.residence_locality_id == "test_kennedy"
    assert api.sensitive_answers_of(person.user_id) == {}
    assert not ConsentRecord.objects.filter(user_id=person.user_id).exists()
    assert (person.user_id, town_a, town_a) in heard
    assert (person.user_id, town_b, town_b) in heard
    for schema in (town_a, town_b):
        with tenants_api.in_locality(schema):
            assert roles_api.roles_of(person.user_id) == set()
            assert roles_api.roles_of(keep.user_id) == {Role.LOCALITY_MANAGER}
    # The same document can register again afterwards (a new, separate account).
    again = register(document_number=person.document_number)
    assert again.user_id != person.user_id
