"""SVG images in a package: refused when they could run script or load anything
from outside (H5P shows them inside the player)."""

from __future__ import annotations

import re

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from .package_data import Issue

__all__ = ["check_svg", "svg_fault"]

_FORBIDDEN_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
}
_EXTERNAL_STYLE = re.compile(r"@import|javascript:|url\((?!\s*['\"]?#)", re.IGNORECASE)


def check_svg(entry: str, payload: bytes, issues: list[Issue]) -> None:
    """Add an issue when the SVG ``payload`` is unsafe."""
    fault = svg_fault(payload)
    if fault:
        issues.append(Issue(entry, fault))


def svg_fault(payload: bytes) -> str | None:
    """Why the SVG image is refused (Spanish), or None when it is safe."""
    try:
        root = SafeElementTree.fromstring(payload)
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError):
        return _("la imagen SVG no es XML válido o usa entidades; se rechaza.")
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in _FORBIDDEN_ELEMENTS:
            return _(
                "la imagen SVG contiene «<%(tag)s>» (código ejecutable); quítelo "
                "del SVG y exporte el paquete de nuevo."
            ) % {"tag": tag}
        fault = _attribute_fault(element.attrib)
        if fault:
            return fault
        if tag == "style" and element.text and _EXTERNAL_STYLE.search(element.text):
            return _("la imagen SVG carga estilos o recursos externos.")
    return None


def _attribute_fault(attributes: dict[str, str]) -> str | None:
    for attribute, value in attributes.items():
        local = attribute.rsplit("}", 1)[-1].lower()
        text = value.strip().lower()
        if local.startswith("on"):
            return _(
                "la imagen SVG tiene el manejador de eventos «%(name)s»; "
                "quítelo y exporte el paquete de nuevo."
            ) % {"name": local}
        if local == "href" and not text.startswith(("#", "data:image/")):
            return _(
                "la imagen SVG enlaza un recurso externo o un script (%(target)s); "
                "quítelo."
            ) % {"target": value.strip()[:60]}
        if "javascript:" in text or ("url(" in text and "url(#" not in text):
            return _("la imagen SVG carga recursos externos; quítelos.")
    return None
