"""Archive safety rules that the shared fixtures do not exercise, on packages built
here from a real valid one (valid2.h5p, H5P.GreetingCard 1.0.6)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from h5p import api
from h5p.validation import Limits, PackageRefused, validate_package

from .conftest import VALID, needs_fixtures

pytestmark = needs_fixtures


def base_files() -> dict[str, bytes]:
    path = next(p for p in VALID if p.name == "valid2.h5p")
    with zipfile.ZipFile(path) as archive:
        return {
            info.filename: archive.read(info)
            for info in archive.infolist()
            if not info.is_dir()
        }


def build(files: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == symlink:
                info.external_attr = 0o120777 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(PackageRefused) as refused:
        validate_package(data, name="prueba.h5p", **kwargs)
    return str(refused.value)


def test_the_base_package_is_valid():
    assert validate_package(build(base_files()), name="prueba.h5p").title


@pytest.mark.parametrize(
    "entry", ["../fuera.json", "/etc/passwd.json", "content/../../x.json", "C:/x.json"]
)
def test_paths_outside_the_package_are_refused(entry):
    files = base_files() | {entry: b"{}"}
    assert "ruta no permitida" in refusal(build(files))


def test_symbolic_links_are_refused():
    files = base_files() | {"content/enlace.json": b"/etc/passwd"}
    assert "enlace simbólico" in refusal(build(files, symlink="content/enlace.json"))


@pytest.mark.parametrize(
    "name", ["content/shell.php", "content/page.html", "content/x"]
)
def test_extensions_outside_the_allow_list_are_refused(name):
    message = refusal(build(base_files() | {name: b"<?php ?>"}))
    assert f"«{name}»" in message and "tipo de archivo no permitido" in message


def test_zip_bombs_are_refused_by_ratio_and_size():
    bomb = base_files() | {"content/ceros.json": b"0" * (2 * 1024 * 1024)}
    assert "tasa de compresión" in refusal(build(bomb))
    assert "máximo por archivo" in refusal(
        build(bomb), limits=Limits(max_file_size=1024 * 1024, max_compression_ratio=1e9)
    )
    assert "descomprimido ocupa" in refusal(
        build(bomb),
        limits=Limits(max_total_size=1024 * 1024, max_compression_ratio=1e9),
    )


@pytest.mark.parametrize(
    ("svg", "fault"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:x="http://www.w3.org/1999/xlink"><a x:href="javascript:alert(1)">'
            b"<text>x</text></a></svg>",
            "enlaza",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject>'
            b"<div/></foreignObject></svg>",
            "foreignobject",
        ),
        (
            b'<!DOCTYPE s [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">'
            b"&a;</svg>",
            "entidades",
        ),
    ],
)
def test_svg_with_script_or_external_references_is_refused(svg, fault):
    message = refusal(build(base_files() | {"content/dibujo.svg": svg}))
    assert "«content/dibujo.svg»" in message and fault in message


def test_a_clean_svg_is_accepted():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" fill="url(#g)"/></svg>'
    )
    assert validate_package(build(base_files() | {"content/ok.svg": svg}), name="x")


def test_missing_media_and_libraries_are_named():
    files = base_files()
    content = json.loads(files["content/content.json"])
    content["image"]["path"] = "images/no-esta.jpg"
    files["content/content.json"] = json.dumps(content).encode()
    assert "content/images/no-esta.jpg" in refusal(build(files))
    only_content = {k: v for k, v in base_files().items() if not k.startswith("H5P.")}
    assert "H5P.GreetingCard-1.0" in refusal(build(only_content))


def test_a_newer_patch_replaces_the_stored_library(in_town_a, h5p_media):
    api.upload_package(build(base_files()), name="v6.h5p", may_add_libraries=True)
    files = base_files()
    library = json.loads(files["H5P.GreetingCard-1.0/library.json"])
    library["patchVersion"] = 7
    files["H5P.GreetingCard-1.0/library.json"] = json.dumps(library).encode()
    with pytest.raises(api.PackageRefused, match=r"H5P\.GreetingCard-1\.0"):
        api.upload_package(build(files), name="v7.h5p", may_add_libraries=False)
    newer = api.upload_package(build(files), name="v7.h5p", may_add_libraries=True)
    assert newer.new_libraries == ("H5P.GreetingCard-1.0",)
    stored = h5p_media / in_town_a / "h5p" / "libraries" / "H5P.GreetingCard-1.0"
    assert json.loads((stored / "library.json").read_text())["patchVersion"] == 7
    # Content-only package relying on the stored library needs no permission.
    only_content = {k: v for k, v in base_files().items() if not k.startswith("H5P.")}
    assert api.upload_package(
        build(only_content), name="solo.h5p", may_add_libraries=False
    ).library_folders == ("H5P.GreetingCard-1.0",)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format="PNG")
    return buffer.getvalue()


_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56
_HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


def test_an_image_named_as_another_image_format_is_accepted():
    # Browsers show images by content; a PNG saved as .jpg is harmless.
    files = base_files() | {"content/images/foto.jpg": _png()}
    assert validate_package(build(files), name="prueba.h5p").title


@pytest.mark.parametrize(
    ("entry", "payload", "what"),
    [
        ("content/images/foto.png", _EXE, "un programa ejecutable (exe)"),
        ("content/images/foto.png", _ELF, "un programa ejecutable (elf)"),
        ("content/images/foto.png", _HTML, "una página web (HTML)"),
        ("content/audio/clase.mp3", b"#!/bin/sh\nrm -rf ~\n", "un guion ejecutable"),
        ("H5P.GreetingCard-1.0/extra.js", _ELF, "un programa ejecutable (elf)"),
        ("content/fuente.woff", _png(), "un archivo .png"),
    ],
)
def test_content_that_is_not_what_its_extension_says_is_refused(entry, payload, what):
    message = refusal(build(base_files() | {entry: payload}))

    extension = entry.rsplit(".", 1)[1]
    assert f"«{entry}»: su nombre termina en .{extension}" in message
    assert f"el contenido es {what}" in message


def test_text_that_starts_like_a_signature_is_still_text():
    # "AC10" opens AutoCAD drawings; here it is the first cell of a CSV.
    files = base_files() | {"content/datos.csv": b"AC10,Kennedy\n"}
    assert validate_package(build(files), name="prueba.h5p").title


def test_a_zip_renamed_as_a_text_format_is_refused():
    archive = build({"dentro.txt": b"hola"})

    message = refusal(build(base_files() | {"content/datos.json": archive}))

    assert "«content/datos.json»: su nombre termina en .json" in message
    assert "el contenido es un archivo .zip" in message


def test_an_image_with_no_known_signature_is_refused():
    files = base_files() | {"content/images/foto.gif": b"esto no es una imagen"}

    message = refusal(build(files))

    assert "«content/images/foto.gif»" in message
    assert "el contenido no es un archivo de ese tipo" in message
