"""A locality's name is printed on its certificates: control characters refused."""

from __future__ import annotations

import pytest

from tenants import api as tenants_api
from tenants.data import LocalitySpec


def test_provisioning_refuses_a_name_with_a_control_character(db):
    spec = LocalitySpec(schema_name="test_usme_cc", name="Us\x0bme", slug="usme-cc")

    with pytest.raises(ValueError, match=r"invisible \(U\+000B\)") as refused:
        tenants_api.provision_locality(spec, domain="usme-cc.test")

    assert "Bórrelo y vuelva a escribir el nombre" in str(refused.value)
    assert "test_usme_cc" not in tenants_api.locality_schemas()


def test_control_characters_are_listed_once_in_order():
    assert tenants_api.control_characters("a\x7fb\x00c\x7f\t") == [
        "U+007F",
        "U+0000",
        "U+0009",
    ]
    assert tenants_api.control_characters("Ciudad Bolívar · Sumapaz") == []
