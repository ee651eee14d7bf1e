"""Configuration files of the topology, filled from ``deploy/templates``.

Kept free of sibling imports so that both ``deploy/prodlocal.py`` (run as a
script, its folder on ``sys.path``) and the tests (``from deploy import
config_files``) render the very same nginx and PgBouncer files.
"""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render(template: str, target: Path, **values: object) -> Path:
    """Fill ``${name}`` in a template of deploy/templates (nginx's own $vars stay)."""
    text = (TEMPLATES / template).read_text()

    def fill(match: re.Match) -> str:
        return str(values[match.group(1)])

    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(re.sub(r"\$\{(\w+)\}", fill, text))
    return target


def nginx_folders(folder: Path) -> Path:
    """The folders nginx buffers large bodies in (ours, not /var/lib/nginx).

    Started as root, nginx's workers run as ``nobody``: they must be able to
    write here, or a response or upload too large for the memory buffers (a
    lesson page with its images, an H5P package) fails half-way.
    """
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / sub).chmod(0o777)
    return folder
