"""The Redis cache with Redis unreachable: a miss and a no-op, never an error."""

from __future__ import annotations

import logging

from deploy import local_s3
from lms.cache import ResilientRedisCache


def test_an_unreachable_redis_answers_like_an_empty_cache(caplog, monkeypatch):
    monkeypatch.setattr("lms.cache._last_warning", 0.0)
    port = local_s3.free_port()  # nothing listens there
    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )
    with caplog.at_level(logging.WARNING, logger="lms.cache"):
        cache.set("sesion", {"a": 1})
        assert cache.get("sesion", "no está") == "no está"
        assert cache.add("sesion", 1) is False
        assert cache.get_many(["sesion", "otra"]) == {}
        assert cache.set_many({"x": 1, "y": 2}) == ["x", "y"]
        assert cache.has_key("sesion") is False
        assert cache.touch("sesion") is False
        assert cache.delete("sesion") is False
        cache.delete_many(["x", "y"])
    # Logged, but not once per call: a dead Redis must not flood the log.
    warnings = [r for r in caplog.records if r.name == "lms.cache"]
    assert len(warnings) == 1
    assert "inalcanzable" in warnings[0].getMessage()
