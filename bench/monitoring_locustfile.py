"""Locust: anonymous visitors of a locality's public monitoring pages.

Driven by bench/monitoring.py, which writes the host, the project codes and
the UPZ codes to the file named by MONITORING_BENCH_PLAN (JSON: {"host",
"codes", "upz", "seed"}). Each simulated visitor reads the eight addresses in
turn (starting at its own), with no think time, as a browser would: taking
gzip. FastHttpUser (geventhttpclient): one process of its own, so the client's
work is not counted as the server's latency, as 50 Python threads sharing one
GIL were.

With ``MONITORING_BENCH_BODIES=raw`` (``bench/monitoring.py --bodies raw``) each
body is read whole but not decompressed, and the time is taken after the last
byte: a phone decompresses on its own CPU, while this one Locust process, on
the server's two cores, would otherwise inflate up to 3.4 MB per answer and
hold every other visitor's greenlet meanwhile.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path

from locust import FastHttpUser, constant, task

PLAN = json.loads(Path(os.environ["MONITORING_BENCH_PLAN"]).read_text())
# The same addresses for the same seed (side-by-side runs).
_random = random.Random(PLAN["seed"])  # noqa: S311 - benchmark choices
_next = itertools.count()

PAGES = {
    "lista pública": lambda: "/seguimiento/",
    "lista por UPZ": lambda: f"/seguimiento/?upz={_random.choice(PLAN['upz'])}",
    "página de proyecto": lambda: (
        f"/seguimiento/proyectos/{_random.choice(PLAN['codes'])}/"
    ),
    "proyectos.csv": lambda: "/seguimiento/datos/proyectos.csv",
    "proyectos.json": lambda: "/seguimiento/datos/proyectos.json",
    "reportes.csv": lambda: "/seguimiento/datos/reportes.csv",
    "reportes.json": lambda: "/seguimiento/datos/reportes.json",
    "ocds.json": lambda: "/seguimiento/datos/ocds.json",
}
NAMES = list(PAGES)
HEADERS = {"Host": PLAN["host"], "Accept-Encoding": "gzip, deflate"}
RAW_BODIES = os.environ.get("MONITORING_BENCH_BODIES") == "raw"


class Visitor(FastHttpUser):
    wait_time = constant(0)  # closed loop: each visitor sends back to back
    # The server's own limit: a slow answer is a slow answer, not a retry.
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        self.turn = next(_next)

    @task
    def visit(self) -> None:
        name = NAMES[self.turn % len(NAMES)]
        self.turn += 1
        if RAW_BODIES:
            self.visit_raw(name)
            return
        with self.client.get(
            PAGES[name](), headers=HEADERS, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.content:
                response.failure("respuesta vacía")

    def visit_raw(self, name: str) -> None:
        started = time.perf_counter()
        with self.client.get(
            PAGES[name](), headers=HEADERS, name=name, stream=True, catch_response=True
        ) as response:
            body = response.read() if response.status_code else b""
            response.release()
            response.request_meta["response_time"] = (
                time.perf_counter() - started
            ) * 1000
            response.request_meta["response_length"] = len(body)
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not body:
                response.failure("respuesta vacía")
