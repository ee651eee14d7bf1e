"""The lab block in the lesson editor: a dataset version picked from a list, and
a lab key that no two live lessons share (results hang on it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from courses import api as courses_api
from courses.models import LessonPage
from open_data_labs import api
from open_data_labs.lab_blocks import LabBlock
from open_data_labs.lab_chooser import SnapshotChooserBlock, snapshot_choices

from .conftest import upload
from .test_lesson_labs import TURNOUT, lab_value


@pytest.fixture
def turnout(in_campus, data_folders):
    api.create_dataset("Participación 2018", key="participacion")
    upload("participacion", TURNOUT)
    upload("participacion", TURNOUT.replace("53,8", "60,1"))
    courses_api.create_course("Datos electorales", key="datos-electorales")
    courses_api.add_module("datos-electorales", "Participación", key="de-m1")
    return "participacion"


def test_the_chooser_lists_this_sites_versions_by_dataset(turnout):
    [(group, options)] = snapshot_choices()
    assert group == "Participación 2018 (participacion)"
    assert [value for value, _label in options] == [
        "participacion/v2",
        "participacion/v1",
    ]
    assert options[1][1].startswith("versión 1 · 5 filas, 4 columnas · ")
    # Migrations keep no list (it is this site's data) and import nothing of ours.
    path, _args, kwargs = SnapshotChooserBlock().deconstruct()
    assert path == "wagtail.blocks.ChoiceBlock" and kwargs["choices"] == []


def test_saving_a_chosen_version_fills_the_dataset_and_computes_answers(turnout):
    raw = {**lab_value(""), "dataset": "", "version": None, "snapshot": ""}
    block = LabBlock()
    chosen = block.clean(block.to_python({**raw, "snapshot": "participacion/v1"}))
    assert (chosen["dataset"], chosen["version"]) == ("participacion", 1)
    assert chosen["sha256"] == api.get_snapshot("participacion", 1).sha256
    assert chosen["questions"][0]["expected"] == '{"value": 53.8}'

    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python(raw))
    [error] = refused.value.block_errors["snapshot"].messages
    assert error == "Elija los datos del laboratorio: un conjunto y su versión."


def test_a_lab_written_by_code_shows_its_version_chosen(turnout):
    block = LabBlock()
    value = block.to_python(api.prepare_lab_block(lab_value("participacion", 2)))
    assert value["snapshot"] == "participacion/v2"
    older = block.to_python({**lab_value("participacion", 2), "key": "x"})
    assert block.get_form_state(older)["snapshot"] == ["participacion/v2"]


def test_two_live_lessons_cannot_share_a_lab_key(turnout):
    raw = api.prepare_lab_block(lab_value("participacion"))
    courses_api.add_lesson("de-m1", "Laboratorio A", key="lab-a", body=[("lab", raw)])

    with pytest.raises(ValidationError) as refused:
        courses_api.add_lesson(
            "de-m1", "Laboratorio B", key="lab-b", body=[("lab", raw)]
        )
    [message] = refused.value.messages
    assert message.startswith(
        f"La clave «{raw['key']}» del laboratorio «Participación en el Senado» ya "
        "la usa un laboratorio de la lección «Laboratorio A»"
    )
    assert "Borre la clave" in message
    assert not LessonPage.objects.filter(key="lab-b").exists()

    # With its key cleared, the editor makes a new one and the lesson saves.
    fresh = api.prepare_lab_block({**lab_value("participacion"), "key": ""})
    courses_api.add_lesson("de-m1", "Laboratorio B", key="lab-b", body=[("lab", fresh)])
    assert fresh["key"] != raw["key"]


def test_one_lesson_cannot_hold_the_same_lab_twice(turnout):
    raw = api.prepare_lab_block(lab_value("participacion"))
    with pytest.raises(ValidationError, match="Dos laboratorios de esta lección"):
        courses_api.add_lesson(
            "de-m1", "Doble", key="doble", body=[("lab", raw), ("lab", raw)]
        )


def test_the_lesson_editor_offers_the_versions(turnout, client_campus, make_person):
    raw = api.prepare_lab_block(lab_value("participacion"))
    courses_api.add_lesson("de-m1", "Laboratorio A", key="lab-a", body=[("lab", raw)])
    client_campus.force_login(make_person(is_superuser=True, is_staff=True))
    lesson = LessonPage.objects.get(key="lab-a")
    page = client_campus.get(f"/admin/pages/{lesson.pk}/edit/")
    assert page.status_code == 200
    text = page.content.decode()
    # The block's definition carries the select; the lab's value its choice.
    assert "participacion/v2" in text and "participacion/v1" in text
