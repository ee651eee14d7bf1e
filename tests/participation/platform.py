"""A participation platform's webhook endpoint on this machine (the outside world,
faked only at the network boundary), for the tests that send role events."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW = "lenta"  # an answer: wait ``seconds`` and then say 200


class Receiver:
    """Answers each POST in turn with what ``answers`` lists (a status, or
    ``(SLOW, seconds)``), then 200. Until ``start`` it is down: its port is
    taken but nobody listens, so a connection is refused."""

    def __init__(self, answers: list[int | tuple[str, float]] | None = None) -> None:
        self.answers = list(answers or [])
        self.calls: list[tuple[dict, bytes, int]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver._answer(dict(self.headers), body)
                try:
                    self.send_response(status)
                    self.end_headers()
                except OSError:  # the sender gave up waiting (a slow answer)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), Handler, bind_and_activate=False
        )
        self.server.server_bind()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/eventos"
        self.running = False

    def _answer(self, headers: dict, body: bytes) -> int:
        with self.lock:
            answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, tuple):
            time.sleep(answer[1])
            answer = 200
        with self.lock:
            self.calls.append((headers, body, answer))
        return answer

    def start(self) -> None:
        self.server.server_activate()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.server.shutdown()
        self.server.server_close()

    def statuses(self) -> list[int]:
        with self.lock:
            return [status for _headers, _body, status in self.calls]

    def accepted_events(self) -> list[str]:
        """Event ids answered 2xx, each once: what a receiver that drops repeats
        (by ``X-Participa-Evento``) keeps."""
        with self.lock:
            ids = [h["X-Participa-Evento"] for h, _b, s in self.calls if s < 300]
        return list(dict.fromkeys(ids))


@contextmanager
def receiving(
    answers: list[int | tuple[str, float]] | None = None, *, up: bool = True
) -> Iterator[Receiver]:
    receiver = Receiver(answers)
    if up:
        receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()
