"""Reading the apps' translation catalogs (.po) and compiling them for a test.

Catalogs are committed as .po only; the install step compiles them. A test that
renders English compiles the catalogs it needs into its own folder and puts it
first in ``LOCALE_PATHS``, so it does not depend on that step having run.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d)\])?) (".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # -1: the singular form
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[Entry]:
    """The entries of a catalog (the header too, first), as gettext wrote them."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] = ("msgid", -1)
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        entry = entry or Entry()
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = _LINE.match(line)
        text = json.loads(match.group(3) if match else line)
        if match:
            keyword = match.group(1)
            index = int(match.group(2)) if match.group(2) else -1
            target = (
                ("msgstr", index) if keyword.startswith("msgstr") else (keyword, -1)
            )
            if target[0] == "msgstr":
                entry.msgstr[index] = ""
        if target[0] == "msgstr":
            entry.msgstr[target[1]] += text
        elif target[0] == "msgid":
            entry.msgid += text
        elif target[0] == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
    return entries


def compile_catalogs(apps: list[str], language: str, into: Path) -> list[str]:
    """Compile each app's ``language`` catalog under ``into``; the folders to put
    in ``LOCALE_PATHS``."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise RuntimeError("Falta msgfmt (paquete gettext de Debian).")
    folders = []
    for app in apps:
        folder = into / app.replace("/", "_")
        target = folder / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        source = ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"
        subprocess.run(
            [msgfmt, "--check", "-o", str(target / "django.mo"), str(source)],
            check=True,
        )
        folders.append(str(folder))
    return folders
