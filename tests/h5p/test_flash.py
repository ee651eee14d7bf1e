"""Packages that bundle Flash (``.swf``) install, but Flash is never stored or sent.

CoursePresentation and Interactive Video ship a Flash fallback, and H5P's own
allow-list accepts ``.swf``. The shared fixtures have no CoursePresentation, so
the real TrueFalse package is given Flash files where those packages carry them:
inside a library folder and in the content folder, named by ``content.json``.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from h5p import api

from .conftest import VALID, needs_fixtures

pytestmark = needs_fixtures

# A Flash file starts with FWS (uncompressed) or CWS (zlib).
SWF = b"FWS\x0a" + b"\x00" * 60
LIBRARY_SWF = "H5P.Question-1.4/flowplayer/flowplayer-3.2.12.swf"
CONTENT_SWF = "content/videos/respaldo.swf"


def _with_flash() -> bytes:
    source = next(p for p in VALID if p.name == "H5P.TrueFalse.h5p").read_bytes()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for info in original.infolist():
            payload = original.read(info)
            if info.filename == "content/content.json":
                content = json.loads(payload)
                content["media"] = {
                    "type": {
                        "library": "H5P.Video 1.5",
                        "params": {"sources": [{"path": "videos/respaldo.swf"}]},
                    }
                }
                payload = json.dumps(content).encode()
            package.writestr(info, payload)
        assert any(n.startswith("H5P.Question-1.4/") for n in original.namelist())
        package.writestr(LIBRARY_SWF, SWF)
        package.writestr(CONTENT_SWF, SWF)
    return out.getvalue()


@pytest.fixture
def with_flash(in_town_a, h5p_media):
    data = _with_flash()
    content = api.upload_package(data, name="con-flash.h5p", may_add_libraries=True)
    return content, h5p_media / in_town_a / "h5p"


def test_a_package_with_flash_is_accepted_and_flash_is_left_out(with_flash):
    content, folder = with_flash
    assert api.get_content(content.key) is not None
    stored = [p.name for p in folder.rglob("*") if p.is_file()]
    assert "content.json" in stored
    assert not [name for name in stored if name.lower().endswith(".swf")]


def test_check_names_the_flash_files_left_out(in_town_a):
    package = api.check_package(
        _with_flash(), name="con-flash.h5p", may_add_libraries=True
    )
    assert sorted(package.dropped_files) == sorted([LIBRARY_SWF, CONTENT_SWF])


def test_flash_is_never_served_even_if_a_file_is_there(with_flash, client_a):
    content, folder = with_flash
    # As if an older installation had stored it.
    planted = folder / "content" / content.key / CONTENT_SWF
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(SWF)
    response = client_a.get(f"/h5p/archivos/content/{content.key}/{CONTENT_SWF}")
    assert response.status_code == 404
    library = client_a.get(f"/h5p/archivos/libraries/{LIBRARY_SWF}")
    assert library.status_code == 404
    # The rest of the package is served as before.
    ok = client_a.get(f"/h5p/archivos/content/{content.key}/content/content.json")
    assert ok.status_code == 200


def test_the_exported_package_installs_again(with_flash, in_town_a):
    content, _folder = with_flash
    exported = api.export_package(content.key)
    assert not [
        n for n in zipfile.ZipFile(io.BytesIO(exported)).namelist() if ".swf" in n
    ]
    again = api.check_package(exported, name="copia.h5p", may_add_libraries=True)
    assert again.dropped_files == ()


def test_flash_under_another_extension_is_still_refused(in_town_a):
    source = io.BytesIO(_with_flash())
    out = io.BytesIO()
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(out, "w") as package,
    ):
        for info in original.infolist():
            package.writestr(info, original.read(info))
        package.writestr("content/images/foto.png", SWF)
    with pytest.raises(api.PackageRefused) as refused:
        api.check_package(out.getvalue(), name="x.h5p", may_add_libraries=True)
    assert [i.file for i in refused.value.issues] == ["content/images/foto.png"]
