"""The bounded load script for the HTTP API (benchmarks/api_load.py), small, on the real server."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_server import API_KEYS, ApiServer, shared_server

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "api_load.py"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def load() -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(SCRIPT.parent))  # as when run as a script: loadgen imports
        spec = importlib.util.spec_from_file_location("api_load", SCRIPT)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> ApiServer:
    return shared_server(tmp_path_factory)


def test_concurrent_ask_load_has_no_errors(load: Any, server: ApiServer) -> None:
    stats = load.run(server.url, clients=8, seconds=5, max_requests=120, key=API_KEYS[0])
    assert stats["errors"] == 0, stats
    assert 0 < stats["requests"] <= 120 + 8
    assert stats["seconds"] < 60 and stats["requests_per_s"] > 0
    assert 0 < stats["p50_s"] <= stats["p95_s"] <= stats["max_s"]


def test_load_with_a_wrong_key_counts_errors(load: Any, server: ApiServer) -> None:
    stats = load.run(server.url, clients=2, seconds=2, max_requests=4, key="wrong")
    assert stats["errors"] == stats["requests"] > 0


def test_search_over_http_is_compared_with_in_process(load: Any, server: ApiServer) -> None:
    stats = load.compare_search(server.url, 20, API_KEYS[0], settings=server.settings)
    assert stats["calls"] == 20
    assert stats["http_p50_ms"] > 0 and stats["in_process_p50_ms"] > 0
    # HTTP and JSON on loopback cost a few milliseconds, not tens (target: within 10 ms).
    assert stats["difference_p50_ms"] < 50, stats


def test_only_loopback_is_load_tested(load: Any) -> None:
    for url in ("http://10.0.0.1:7860", "http://example.com", "https://192.168.1.2"):
        with pytest.raises(SystemExit, match="only loopback"):
            load.check_loopback(url)
    assert load.check_loopback("http://127.0.0.1:7860/") == "http://127.0.0.1:7860"
