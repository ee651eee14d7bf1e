"""Visible text a template shows outside the translation tags.

A template is cut into Django's tokens first: variables, tags and everything
between ``{% blocktranslate %}`` and its end become a blank, so only the literal
text a translator would never see is left (a blank, not a mark: a tag inside an
HTML tag, ``<td{% if n %} class="n"{% endif %}>``, must leave valid HTML). That
text is then read as HTML: text nodes and the attributes a person sees or hears
(``title``, ``alt``, ``placeholder``, ``aria-label``, a button's ``value``) must
hold no letters, except symbols that read the same in every language (``CSV``,
``KB``, ``h``). Plain-text templates (emails) are read as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import DebugLexer, TokenType

# Stands for a variable, a tag or a whole translated block.
PLACEHOLDER = " "
# Units, versions, format names and the outside systems' own names: the same in
# Spanish and English.
SYMBOLS = re.compile(
    r"\b(?:CSV|XLSX|JSON|PDF|QR|SQL|xAPI|H5P|SHA-256|KB|MB|GB|h|min|v"
    r"|Decidim|SECOP II|CKAN|Socrata)\b"
)
SPOKEN_OR_SHOWN_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "label",
}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
_LETTER = re.compile(r"[^\W\d_]")
_BLOCK_NAME = re.compile(r"^\s*(\w+)")
_TRANSLATED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
}
# Read by nobody: their text never reaches the page.
_SILENT_BLOCKS = {"comment": "endcomment"}


@dataclass(frozen=True)
class UntranslatedText:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def untranslated_text(path: Path) -> list[UntranslatedText]:
    """Every piece of visible text of the template outside translation tags."""
    literal = _literal_text(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        return [
            UntranslatedText(path, number, _shown(line))
            for number, line in enumerate(literal.splitlines(), start=1)
            if _has_letters(line)
        ]
    reader = _VisibleTextReader(path)
    reader.feed(literal)
    reader.close()
    return reader.found


def _literal_text(source: str) -> str:
    """The template with every token but literal text replaced by a placeholder.

    Newlines inside replaced tokens are kept, so line numbers stay true.
    """
    parts: list[str] = []
    closing: str | None = None
    for token in DebugLexer(source).tokenize():
        raw = source[token.position[0] : token.position[1]]
        if closing is not None:
            if (
                token.token_type is TokenType.BLOCK
                and token.contents.strip() == closing
            ):
                closing = None
            parts.append(PLACEHOLDER + "\n" * raw.count("\n"))
            continue
        if token.token_type is TokenType.TEXT:
            parts.append(raw)
            continue
        if token.token_type is TokenType.BLOCK:
            name = _BLOCK_NAME.match(token.contents)
            name = name.group(1) if name else ""
            closing = _TRANSLATED_BLOCKS.get(name) or _SILENT_BLOCKS.get(name)
        parts.append(PLACEHOLDER + "\n" * raw.count("\n"))
    return "".join(parts)


def _shown(text: str) -> str:
    """The text as a person would report it, spaces squeezed."""
    return " ".join(text.split())


def _has_letters(text: str) -> bool:
    return bool(_LETTER.search(SYMBOLS.sub("", text)))


class _VisibleTextReader(HTMLParser):
    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.found: list[UntranslatedText] = []
        self._unread_element: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._unread_element = tag
        values = dict(attrs)
        shown = set(SPOKEN_OR_SHOWN_ATTRIBUTES)
        if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES:
            shown.add("value")
        for name, value in attrs:
            if name in shown and value and _has_letters(value):
                self._report(value)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._unread_element = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._unread_element:
            self._unread_element = None

    def handle_data(self, data: str) -> None:
        if self._unread_element is None and _has_letters(data):
            self._report(data)

    def _report(self, text: str) -> None:
        self.found.append(UntranslatedText(self.path, self.getpos()[0], _shown(text)))
