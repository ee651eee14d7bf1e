"""Locust: signed-in learners opening lesson pages in 20 localities.

Driven by bench/learning.py, which writes the sessions and lesson URLs to the
file named by LEARNING_BENCH_PLAN (JSON: [{"host", "cookie", "urls",
"signed_in_marker"}]). A page without the marker (anonymous) is a failure.
Each simulated learner keeps one locality, one session and walks its lessons.

The client is Locust's FastHttpUser (geventhttpclient) unless
LEARNING_BENCH_CLIENT=requests: on this 2-core machine the client shares the
cores with the server it measures, and the requests-based HttpUser spent
several times more CPU per request, so it held the server's throughput down.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, HttpUser, constant, task

PLAN = json.loads(Path(os.environ["LEARNING_BENCH_PLAN"]).read_text())
_next = itertools.count()
# The same sequence of lessons for the same seed (side-by-side runs).
_random = random.Random(int(os.environ.get("LEARNING_BENCH_SEED", "1")))  # noqa: S311
# Only one user class may be defined here: Locust would run every one it finds.
_Client = (
    HttpUser if os.environ.get("LEARNING_BENCH_CLIENT") == "requests" else FastHttpUser
)


class Learner(_Client):  # type: ignore[valid-type,misc]
    wait_time = constant(0)  # closed loop: each of the 20 clients sends back to back

    def on_start(self) -> None:
        self.plan = PLAN[next(_next) % len(PLAN)]
        # A header, not the client's cookie jar: both clients send it the same way.
        self.headers = {
            "Host": self.plan["host"],
            "Cookie": f"sessionid={self.plan['cookie']}",
        }

    @task
    def lesson(self) -> None:
        url = _random.choice(self.plan["urls"])
        with self.client.get(
            url,
            headers=self.headers,
            name="lección",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif "Lección" not in response.text:
                response.failure("no es la página de la lección")
            # An anonymous page passes the check above too: only a signed-in
            # learner's page has the sign-out form.
            elif self.plan["signed_in_marker"] not in response.text:
                response.failure("página anónima: la sesión no está iniciada")
