"""The processes ``make prod-local`` starts: each in its own session, its pid in
a state file, so ``down`` stops exactly those (used by ``deploy/prodlocal.py``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from topology import HTTP_PORT, LOG_DIR, PROJECT_DIR, STATE_FILE, say

# --- Processes -----------------------------------------------------------------------


def load_state() -> dict:
    if STATE_FILE.exists():
        return json.loads(STATE_FILE.read_text())
    return {"processes": {}}


def save_state(state: dict) -> None:
    STATE_FILE.write_text(json.dumps(state, indent=2))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) is not running.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def start(
    state: dict, name: str, argv: list[str], env: dict[str, str]
) -> subprocess.Popen:
    """Start ``argv`` in its own session (so ``down`` can stop its whole group)."""
    log = open(LOG_DIR / f"{name}.log", "ab")
    process = subprocess.Popen(
        argv,
        cwd=PROJECT_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    state["processes"][name] = {"pid": process.pid, "argv": argv}
    save_state(state)
    return process


def stop_all(state: dict) -> None:
    processes = state.get("processes", {})
    # The proxy first (no new requests), then web nodes, workers, beat, pooler.
    for name in sorted(processes, key=_stop_order):
        pid = processes[name]["pid"]
        if not alive(pid):
            continue
        try:
            os.killpg(pid, signal.SIGTERM)  # the group this script created
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 20
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)
        say(f"  detenido {name} (pid {pid})")
    state["processes"] = {}
    save_state(state)


def _stop_order(name: str) -> int:
    order = ("nginx", "web", "worker", "beat", "pgbouncer", "s3")
    for rank, prefix in enumerate(order):
        if name.startswith(prefix):
            return rank
    return 99


def wait_ready(timeout: float = 90) -> dict:
    """Poll /readyz through nginx until every dependency answers."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{HTTP_PORT}/readyz", timeout=5
            ) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = exc
            time.sleep(0.5)
    raise RuntimeError(f"/readyz no respondió 200: {last}")
