"""Server-rendered SVG charts: no JavaScript, a few kilobytes, readable on phones.

Each chart has a ``<title>``/``<desc>`` and the page shows a data table next to
it (the accessible alternative). An SVG's text scales with its width: the charts
are drawn 400 units wide with 15-unit text, so on a 360 px phone (about 328 px
of content) text is 12 px or more, and the page caps them at 30rem (18 px text)
on a desktop. The tile map's 76-unit tiles need 12-unit labels and are never
shrunk below 400 px (``map``: the page lets it scroll sideways on a phone).
Text is escaped and translated; numbers follow the active language's format
(Django's localization: 50.000 in es-CO).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .data import CivicStages, Figures, Row, WeekPoint

WIDTH = 400  # every chart's width in SVG units (see above)
TEXT = 15  # text size in those units: 12.3 px at 328 px wide, 18 px at 30rem
ACCENT = "#b3121d"
SOFT = "#f4f4f2"
INK = "#1d1d1b"

# Approximate relative positions of the 20 localities (column, row) on a grid
# (a tile map: no geometry is bundled; north is up, Sumapaz far south).
TILES = {
    1: (3, 0),  # Usaquén
    11: (2, 0),  # Suba
    2: (3, 1),  # Chapinero
    10: (1, 1),  # Engativá
    12: (2, 1),  # Barrios Unidos
    13: (2, 2),  # Teusaquillo
    9: (1, 2),  # Fontibón
    3: (3, 2),  # Santa Fe
    17: (4, 2),  # La Candelaria
    14: (3, 3),  # Los Mártires
    16: (2, 3),  # Puente Aranda
    8: (1, 3),  # Kennedy
    15: (2, 4),  # Antonio Nariño
    4: (3, 4),  # San Cristóbal
    7: (0, 4),  # Bosa
    18: (2, 5),  # Rafael Uribe Uribe
    19: (1, 5),  # Ciudad Bolívar
    6: (1, 4),  # Tunjuelito
    5: (3, 5),  # Usme
    20: (2, 6),  # Sumapaz
}


def _day(day: date) -> str:
    """A date in the active language's short format (es-CO: 30/11/2026)."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _n(value: float) -> str:
    """A whole number with the active language's grouping (es-CO: 50.000)."""
    return formats.number_format(round(value), 0, force_grouping=True)


def _svg(
    width: int,
    height: int,
    title: str,
    body: list[str],
    *,
    text: int = TEXT,
    kind: str = "",
) -> SafeString:
    classes = f"chart {kind}".strip()
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="{classes}" '
        f'font-family="system-ui, sans-serif" font-size="{text}">'
        f"<title>{escape(title)}</title>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - all text escaped


def wrap(text: str, width: int) -> list[str]:
    """Words of ``text`` in lines of about ``width`` characters (a longer word
    keeps its own line whole: names are never cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _lines(x: float, y: float, lines: list[str], height: int, **attrs: str) -> str:
    """A ``<text>`` with one ``<tspan>`` per line, the first at ``y``."""
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    spans = "".join(
        f'<tspan x="{x:g}" y="{y + i * height:g}">{escape(text)}</tspan>'
        for i, text in enumerate(lines)
    )
    return f"<text{extra}>{spans}</text>"


def bars(rows: Sequence[Row], *, title: str, measure: str = "completed") -> SafeString:
    """Horizontal bars, one per row (localities or courses), each under its
    whole name: names wrap onto more lines instead of being cut, and the chart
    stays narrow so that its text is still legible on a 360 px phone."""
    values = [getattr(r, measure) or 0 for r in rows]
    top = max(values, default=0) or 1
    width, text_h, bar_h, gap = WIDTH, 18, 16, 10
    body = []
    y = 0
    for row, value in zip(rows, values, strict=True):
        label = wrap(row.label, 42)
        body.append(_lines(0, y + 14, label, text_h))
        y += len(label) * text_h
        w = (width - 70) * value / top
        body += [
            f'<rect x="0" y="{y + 2}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{ACCENT}"/>',
            f'<text x="{w + 4:.1f}" y="{y + 15}">{_n(value)}</text>',
        ]
        y += bar_h + gap
    return _svg(width, max(y, 1) + 4, title, body)


CIVIC_STAGES = (
    ("completed", gettext_lazy("Formadas")),
    ("certified", gettext_lazy("Certificadas")),
    ("eligible", gettext_lazy("Habilitadas para un rol")),
    ("applied", gettext_lazy("Postuladas")),
    ("selected", gettext_lazy("Seleccionadas")),
    ("in_role", gettext_lazy("En ejercicio del rol")),
)


def civic_funnel(
    stages: CivicStages, *, trained: int, title: str, suppressed: str
) -> SafeString:
    """From trained to serving in a civic role, one bar per stage under its
    name; a suppressed stage (fewer than 5 people) shows ``suppressed`` and no
    bar, so its size cannot be read off the drawing either."""
    values = [
        trained if key == "completed" else getattr(stages, key)
        for key, _label in CIVIC_STAGES
    ]
    top = max((v for v in values if v), default=0) or 1
    width, text_h, bar_h, gap = WIDTH, 18, 16, 8
    body, y = [], 0
    for (_key, label), value in zip(CIVIC_STAGES, values, strict=True):
        body.append(_lines(0, y + 14, wrap(str(label), 42), text_h))
        y += text_h
        if value is None:
            body.append(f'<text x="0" y="{y + 14}">{escape(suppressed)}</text>')
        else:
            w = max((width - 70) * value / top, 1)
            body += [
                f'<rect x="0" y="{y + 2}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{ACCENT}"/>',
                f'<text x="{w + 4:.1f}" y="{y + 14}">{_n(value)}</text>',
            ]
        y += bar_h + gap
    return _svg(width, y + 4, title, body)


def line(points: Sequence[WeekPoint], *, title: str, target: int | None) -> SafeString:
    """Cumulative people enrolled and trained by week, with the target line."""
    width, height, pad = WIDTH, 220, 40
    top = max([p.cumulative_enrolled for p in points] + [1])
    if target and target <= top * 1.5:
        top = max(top, target)
    n = max(len(points) - 1, 1)

    def xy(i: int, v: int) -> str:
        x = pad + (width - 2 * pad) * i / n
        y = height - pad - (height - 2 * pad) * v / top
        return f"{x:.1f},{y:.1f}"

    body = [
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" '
        f'y2="{height - pad}" stroke="{INK}"/>',
        f'<text x="{pad}" y="{height - pad + 18}">{_day(points[0].week)}</text>'
        if points
        else "",
        f'<text x="{width - pad}" y="{height - pad + 18}" text-anchor="end">'
        f"{_day(points[-1].week)}</text>"
        if points
        else "",
        f'<text x="4" y="{pad - 6}">{_n(top)}</text>',
    ]
    for attr, color, dash in (
        ("cumulative_enrolled", INK, ""),
        ("cumulative_completed", ACCENT, ""),
    ):
        coords = " ".join(xy(i, getattr(p, attr)) for i, p in enumerate(points))
        body.append(
            f'<polyline points="{coords}" fill="none" stroke="{color}" '
            f'stroke-width="2.5"{dash}/>'
        )
    if target and target <= top:
        y = height - pad - (height - 2 * pad) * target / top
        body.append(
            f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" '
            f'stroke="{ACCENT}" stroke-dasharray="6 4"/>'
            f'<text x="{width - pad}" y="{y - 4:.1f}" text-anchor="end">'
            f"{escape(_('Meta'))} {_n(target)}</text>"
        )
    body.append(
        f'<text x="{pad}" y="15" fill="{INK}">— {escape(_("Inscritas"))}</text>'
        f'<text x="{pad + 130}" y="15" fill="{ACCENT}">— '
        f"{escape(_('Formadas'))}</text>"
    )
    return _svg(width, height, title, body)


FUNNEL_STAGES = (
    ("registered", gettext_lazy("Registradas")),
    ("enrolled", gettext_lazy("Inscritas")),
    ("active_30d", gettext_lazy("Activas (30 días)")),
    ("completed", gettext_lazy("Formadas")),
    ("certified", gettext_lazy("Certificadas")),
    ("in_role", gettext_lazy("En rol de participación")),
)


def funnel(figures: Figures, *, title: str) -> SafeString:
    """Centered bars narrowing from registered to in a participation role."""
    stages = [
        (label, getattr(figures, key))
        for key, label in FUNNEL_STAGES
        if getattr(figures, key) is not None
    ]
    top = max((v for _, v in stages), default=0) or 1
    width, line_h = WIDTH, 30
    body = []
    for i, (label, value) in enumerate(stages):
        w = max((width - 20) * value / top, 2)
        x = (width - w) / 2
        body += [
            f'<rect x="{x:.1f}" y="{i * line_h + 2}" width="{w:.1f}" height="24" '
            f'fill="{ACCENT}" fill-opacity="{1 - i * 0.12:.2f}"/>',
            f'<text x="{width / 2}" y="{i * line_h + 19}" text-anchor="middle" '
            f'fill="{INK}" paint-order="stroke" stroke="#fff" stroke-width="3">'
            f"{escape(str(label))}: {_n(value)}</text>",
        ]
    return _svg(width, len(stages) * line_h + 4, title, body)


def tile_map(
    rows: Sequence[Row], codes: dict[str, int | None], *, title: str
) -> SafeString:
    """The 20 localities as tiles, shaded by progress toward their target."""
    size, gap = 76, 4
    body = []
    for row in rows:
        code = codes.get(row.key)
        if code not in TILES:
            continue
        col, r = TILES[code]
        x, y = col * (size + gap), r * (size + gap)
        if row.progress is None:
            fill, text = "#ddd", _("sin meta")
        else:
            fill = ACCENT
            text = f"{min(row.progress, 9.99) * 100:.0f} %"
        opacity = 1.0 if row.progress is None else 0.15 + 0.85 * min(row.progress, 1)
        body += [
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="6" '
            f'fill="{fill}" fill-opacity="{opacity:.2f}"><title>'
            f"{escape(row.label)}: {text}</title></rect>",
            _lines(
                x + size / 2,
                y + 16,
                wrap(row.label, 10),
                13,
                text_anchor="middle",
                font_size="12",
            ),
            f'<text x="{x + size / 2}" y="{y + 60}" text-anchor="middle" '
            f'font-weight="bold">{text}</text>',
        ]
    return _svg(5 * (size + gap), 7 * (size + gap), title, body, kind="map")
