"""The workshops screens: a facilitator marks their own sessions, a manager any
session of the locality; the chooser offers only the locality's barrios and an
unknown code comes back in Spanish. Who opens the screens at all is in the
access matrix (tests/access/)."""

from __future__ import annotations

from lms.locality_roles.data import Role
from monitoring import api
from tenants import api as tenants_api
from tests.assertions import assert_refused_by_admin

from .workshop_helpers import BOSA_BARRIO, KENNEDY_BARRIOS, facilitator_session


def _session_of(person, schema="test_kennedy", **kwargs):
    with tenants_api.in_locality(schema):
        return facilitator_session(person.pk, **kwargs)


def test_a_facilitator_records_the_barrios_of_their_session(staff, make_person):
    facilitator = make_person()
    client = staff(Role.FACILITATOR, person=facilitator)
    session = _session_of(facilitator, title="Taller del parque")
    listing = client.get("/admin/seguimiento/talleres/")
    assert listing.status_code == 200
    assert "Taller del parque" in listing.text and "Registrar taller" in listing.text
    assert "0 de 102 barrios" in listing.text

    url = f"/admin/seguimiento/talleres/{session.session_id}/"
    form = client.get(url).text
    # Only Kennedy's cadastral sectors, grouped by UPZ.
    assert 'value="004607"' in form and "Ciudad de Cali" in form
    assert f'value="{BOSA_BARRIO}"' not in form
    assert "Patio Bonito" in form and "UAECD" in form

    saved = client.post(
        url,
        {
            "barrios": list(KENNEDY_BARRIOS[:2]),
            "codes": KENNEDY_BARRIOS[2],
            "participants": "25",
            "notes": "Parque vecinal",
        },
    )

    assert saved.status_code == 302
    with tenants_api.in_locality("test_kennedy"):
        workshop = api.get_workshop(session.session_id)
    assert workshop.barrio_codes == KENNEDY_BARRIOS
    assert (workshop.participants, workshop.recorded_by_id) == (25, facilitator.pk)
    listing = client.get("/admin/seguimiento/talleres/").text
    assert "3 de 102 barrios" in listing and "Sí · 3 barrios" in listing
    again = client.get(url).text
    assert again.count('" checked>') == 3 and "Quitar la marca de taller" in again


def test_an_unknown_or_foreign_code_comes_back_in_spanish(staff, make_person):
    facilitator = make_person()
    client = staff(Role.FACILITATOR, person=facilitator)
    session = _session_of(facilitator)
    url = f"/admin/seguimiento/talleres/{session.session_id}/"

    refused = client.post(
        url, {"barrios": [KENNEDY_BARRIOS[0]], "codes": f"{BOSA_BARRIO}, 12345"}
    )

    assert refused.status_code == 400
    assert "El barrio 004642 es de Bosa, no de esta localidad." in refused.text
    assert "«12345» no es un código de sector catastral" in refused.text
    # What was chosen stays chosen, and nothing was saved.
    assert f'value="{KENNEDY_BARRIOS[0]}" checked' in refused.text
    with tenants_api.in_locality("test_kennedy"):
        assert api.get_workshop(session.session_id) is None


def test_another_facilitators_session_is_refused_but_a_manager_may(staff, make_person):
    owner, other = make_person(), make_person()
    session = _session_of(owner, title="Taller del humedal")
    url = f"/admin/seguimiento/talleres/{session.session_id}/"
    stranger = staff(Role.FACILITATOR, person=other)
    assert session.title not in stranger.get("/admin/seguimiento/talleres/").text
    assert_refused_by_admin(stranger.get(url))
    assert_refused_by_admin(stranger.post(url, {"barrios": [KENNEDY_BARRIOS[0]]}))

    manager = staff(Role.LOCALITY_MANAGER)
    assert session.title in manager.get("/admin/seguimiento/talleres/").text
    assert manager.post(url, {"barrios": [KENNEDY_BARRIOS[0]]}).status_code == 302
    with tenants_api.in_locality("test_kennedy"):
        assert api.get_workshop(session.session_id).barrio_codes == (
            KENNEDY_BARRIOS[0],
        )
    assert manager.post(url, {"action": "remove"}).status_code == 302
    with tenants_api.in_locality("test_kennedy"):
        assert api.get_workshop(session.session_id) is None


def test_a_kennedy_session_is_not_found_from_bosa(staff, make_person):
    facilitator = make_person()
    session = _session_of(facilitator, title="Taller del humedal")
    bosa_manager = staff(Role.LOCALITY_MANAGER, schema="test_bosa")
    listing = bosa_manager.get("/admin/seguimiento/talleres/").text
    assert session.title not in listing and "0 de 74 barrios" in listing
    url = f"/admin/seguimiento/talleres/{session.session_id}/"
    assert bosa_manager.get(url).status_code == 404
    assert bosa_manager.post(url, {"barrios": [BOSA_BARRIO]}).status_code == 404
    with tenants_api.in_locality("test_kennedy"):
        assert api.get_workshop(session.session_id) is None
