"""What every page of the journey must pass: axe-core with no critical or serious
finding, no sideways scroll, no console error or CSP violation, controls big
enough for a finger (44 px), and a weight budget (bytes on the wire, counted by
Chromium itself).

Each check records what it saw in a ``Ledger`` so a failure names the page and
the finding, and the run can print a table of findings and weights per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

from tests.browser import SCROLLS, SMALL_TAP_TARGETS, collect_problems, new_context

# Findings a person using a screen reader or a keyboard cannot work around.
BLOCKING_IMPACTS = {"critical", "serious"}
_AXE = Axe()


@dataclass
class PageRecord:
    name: str
    viewport: int
    bytes_on_wire: int
    axe_counts: dict[str, int]
    small_targets: list[str] = field(default_factory=list)


@dataclass
class Ledger:
    records: list[PageRecord] = field(default_factory=list)

    def table(self) -> str:
        lines = ["página | ancho | bytes | axe (impacto: n)"]
        for r in self.records:
            counts = ", ".join(f"{k}: {v}" for k, v in sorted(r.axe_counts.items()))
            lines.append(f"{r.name} | {r.viewport} | {r.bytes_on_wire} | {counts}")
            if r.small_targets:
                lines.append(f"    pequeños: {r.small_targets}")
        return "\n".join(lines)


class WatchedPage:
    """A Playwright page whose problems and transferred bytes are counted."""

    def __init__(self, browser, viewport: dict[str, int], ledger: Ledger, **options):
        self.context = new_context(browser, viewport=viewport, **options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.viewport = viewport["width"]
        self.ledger = ledger
        self.problems = collect_problems(self.page)
        self._bytes = 0
        self.transfers: list[tuple[int, str]] = []
        # Bytes received per request, headers and body as sent (compressed if it
        # was), for the page and every frame: the H5P player runs in a sandboxed
        # frame that Chromium puts in a process of its own, which Playwright
        # follows and a page-level devtools session would not. A file taken
        # from the browser's cache counts nothing, as on a phone.
        self.page.on("requestfinished", self._add_bytes)

    def _add_bytes(self, request) -> None:
        response = request.response()
        if response is None or response.from_service_worker:
            return
        sizes = request.sizes()
        size = sizes["responseHeadersSize"] + sizes["responseBodySize"]
        self._bytes += size
        self.transfers.append((size, request.url))

    def start_counting(self) -> None:
        self._bytes = 0
        self.transfers = []
        self.problems.clear()

    def check(
        self, name: str, *, max_bytes: int, allowed=(), tap_scope: str = "body"
    ) -> PageRecord:
        """Axe, scroll, tap sizes, console and weight for what the page shows
        now; tap sizes within ``tap_scope`` (a CSS selector)."""
        page = self.page
        page.wait_for_load_state("networkidle")
        results = _AXE.run(page)
        counts: dict[str, int] = {}
        blocking = []
        for violation in results.response["violations"]:
            impact = violation.get("impact") or "minor"
            key = f"{impact} {violation['id']}"
            counts[key] = counts.get(key, 0) + len(violation["nodes"])
            if impact in BLOCKING_IMPACTS:
                targets = [n["target"] for n in violation["nodes"]][:3]
                blocking.append(f"{violation['id']} ({impact}): {targets}")
        small = page.evaluate(SMALL_TAP_TARGETS, tap_scope)
        record = PageRecord(name, self.viewport, self._bytes, counts, small)
        self.ledger.records.append(record)
        assert not blocking, f"{name} @ {self.viewport}px: axe {blocking}"
        assert not page.evaluate(SCROLLS), (
            f"{name} @ {self.viewport}px: la página se desplaza de lado "
            f"({page.evaluate('document.documentElement.scrollWidth')} px)"
        )
        assert not small, f"{name} @ {self.viewport}px: controles pequeños {small}"
        problems = [p for p in self.problems if not any(a in p for a in allowed)]
        assert not problems, f"{name} @ {self.viewport}px: {problems}"
        assert record.bytes_on_wire <= max_bytes, (
            f"{name} @ {self.viewport}px: {record.bytes_on_wire} bytes "
            f"(presupuesto {max_bytes}); los más pesados: "
            f"{sorted(self.transfers, reverse=True)[:8]}"
        )
        return record

    def goto(self, url: str) -> None:
        self.start_counting()
        self.page.goto(url)

    def close(self) -> None:
        self.context.close()
