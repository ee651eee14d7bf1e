"""The public lottery: reproducible from its seed, quotas met or explained."""

from __future__ import annotations

import pytest

from lms.accounts import api as accounts_api
from lms.accounts.data import Question
from participation import api
from participation.data import LotteryEntry
from tenants import api as tenants_api

from .conftest import apply


def _entries(n: int) -> list[LotteryEntry]:
    genders = ["mujer", "hombre", "no_binario"]
    return [
        LotteryEntry(application_id=i, groups={"genero": genders[i % 3]})
        for i in range(1, n + 1)
    ]


def test_the_same_seed_and_list_give_the_same_draw_anyone_can_recompute():
    entries = _entries(40)
    one = api.draw(entries, seats=5, quotas={}, seed="2027-03-01 Baloto 04 11 23")
    two = api.draw(list(reversed(entries)), seats=5, quotas={}, seed=one.seed)
    assert one.selected == two.selected and one.waiting == two.waiting
    # The order is the tickets' order: recomputable with sha256 alone.
    by_ticket = sorted(e.application_id for e in entries)
    by_ticket.sort(key=lambda i: api.ticket(one.seed, i))
    assert list(one.selected) == by_ticket[:5]
    other = api.draw(entries, seats=5, quotas={}, seed="otra semilla")
    assert other.selected != one.selected


def test_quotas_are_met_first_and_unmet_ones_are_explained():
    entries = _entries(30)
    result = api.draw(
        entries, seats=6, quotas={"genero": {"mujer": 4, "rrom": 1}}, seed="s"
    )
    women = {e.application_id for e in entries if e.groups["genero"] == "mujer"}
    assert len(set(result.selected) & women) >= 4
    assert len(result.selected) == 6
    (unmet,) = result.unmet_quotas
    assert "genero = rrom" in unmet and "solo se postularon 0" in unmet
    assert "pasaron al sorteo general" in unmet


def test_quotas_asking_for_more_than_the_seats_say_which_and_why():
    result = api.draw(
        _entries(30), seats=2, quotas={"genero": {"hombre": 2, "mujer": 2}}, seed="s"
    )
    # Quotas are taken in alphabetical order: «hombre» fills both seats.
    (unmet,) = result.unmet_quotas
    assert "genero = mujer" in unmet and "ya ocuparon los 2 cupos" in unmet
    assert "no sumen más que los cupos" in unmet


def test_more_seats_than_applicants_selects_everyone():
    result = api.draw(_entries(3), seats=10, quotas={}, seed="s")
    assert sorted(result.selected) == [1, 2, 3] and result.waiting == ()


def test_a_role_lottery_with_stratified_quotas_from_declared_answers(make_role, person):
    role = make_role(
        seats=1,
        selection_mode=api.SelectionMode.LOTTERY,
        lottery_quotas={"genero": {"mujer": 1}},
    )
    with tenants_api.in_locality("test_kennedy"):
        with pytest.raises(api.ParticipationError, match="No hay personas"):
            api.run_lottery(role.role_id, seed="s", by_user_id=1)
    people = [person() for _ in range(3)]
    accounts_api.answer_sensitive_question(
        people[2].pk, Question.GENDER, "mujer", consent=True
    )
    for user in people:
        assert apply(user, role).status == api.ApplicationStatus.PENDING
    with tenants_api.in_locality("test_kennedy"):
        result = api.run_lottery(role.role_id, seed="semilla pública", by_user_id=1)
        record = api.lottery_record(role.role_id)
        applications = {a.user_id: a for a in api.list_applications(role.role_id)}
        with pytest.raises(api.ParticipationError, match="ya se hizo"):
            api.run_lottery(role.role_id, seed="otra", by_user_id=1)
    assert applications[people[2].pk].status == api.ApplicationStatus.SELECTED
    assert result.selected == (applications[people[2].pk].application_id,)
    # The published record re-runs to the same result, with no names in it.
    entries = [LotteryEntry(**row) for row in record["applicants"]]
    again = api.draw(entries, seats=1, quotas=record["quotas"], seed=record["seed"])
    assert list(again.selected) == record["selected"]
    assert "Persona" not in str(record)


def test_a_role_with_more_seats_than_applicants_selects_them_all(make_role, person):
    role = make_role(seats=5, selection_mode=api.SelectionMode.LOTTERY)
    people = [person() for _ in range(2)]
    for user in people:
        apply(user, role)
    with tenants_api.in_locality("test_kennedy"):
        result = api.run_lottery(role.role_id, seed="semilla", by_user_id=1)
        statuses = {a.status for a in api.list_applications(role.role_id)}
        record = api.lottery_record(role.role_id)
    assert len(result.selected) == 2 and result.waiting == ()
    assert statuses == {api.ApplicationStatus.SELECTED}
    assert record["unmet_quotas"] == [] and record["waiting"] == []


def test_after_the_draw_the_role_takes_no_more_applications(make_role, person):
    role = make_role(seats=1, selection_mode=api.SelectionMode.LOTTERY)
    apply(person(), role)
    with tenants_api.in_locality("test_kennedy"):
        api.run_lottery(role.role_id, seed="semilla", by_user_id=1)
    late = person()
    with pytest.raises(
        api.ParticipationError, match="El sorteo de este rol ya se hizo"
    ):
        apply(late, role)
    with tenants_api.in_locality("test_kennedy"):
        standing = api.eligibility_for(late.pk, role.role_id)
        applicants = {a.user_id for a in api.list_applications(role.role_id)}
    assert late.pk not in applicants
    # The pages say so before the person writes anything.
    assert standing.verdict == api.Verdict.CLOSED
