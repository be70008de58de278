"""The client loop shared by the load tests (load.py: the web app's /ask; api_load.py: the
HTTP API's POST /api/ask): the questions, the loopback check, N concurrent clients on one
event loop for a bounded time, and the summary of their latencies.

Not a script: load.py and api_load.py import it (this folder is on sys.path when they run).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

from rag.evaluate.metrics import percentile

QUESTIONS = [
    "哪些城市获得了2023中国领军智慧城市奖？",
    "青岛建成了多少个5G基站？",
    "青島建成了多少個5G基站？",
    "贵州省建立友城及意向性友城关系增至多少对？",
    "第一届中国新型智慧城市建设峰会在哪里开幕？",
    "中国电子提出的“百城万企牵手”行动计划投资多少？",
    "2023年北京市的GDP是多少？",
    "深圳哪一年提出打造智慧深圳？",
]
FOLLOW_UP = ("那县级城市呢？", "哪些城市获得了2023中国领军智慧城市奖？")

History = list[dict[str, str]]
# One request: (client, question, history) -> "" on success, else what went wrong.
Ask = Callable[[Any, str, History], Awaitable[str]]


def check_loopback(url: str) -> str:
    """`url` without a trailing slash; exits unless it is a loopback address (these
    scripts must never load someone else's server)."""
    url = url.rstrip("/")
    host = urlparse(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing to load-test {url}: only loopback addresses are allowed")
    return url


def question(n: int) -> tuple[str, History]:
    """The n-th request's question and history: every other one is a follow-up."""
    if n % 2:
        return FOLLOW_UP[0], [{"role": "user", "content": FOLLOW_UP[1]}]
    return QUESTIONS[n % len(QUESTIONS)], []


def drive(
    ask: Ask,
    *,
    clients: int,
    seconds: float,
    max_requests: int,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run `clients` concurrent clients, each asking back to back, until `seconds` pass or
    `max_requests` are issued; the summary of their latencies and errors."""
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    issued = 0

    # One event loop drives all clients: a thread per client (gradio_client) spent more CPU
    # than the server did (1.4 of the 2 cores), so the test measured its own client.
    async def worker(client: httpx.AsyncClient, i: int, deadline: float) -> None:
        nonlocal issued
        n = i
        while time.monotonic() < deadline and issued < max_requests:
            issued += 1
            text, history = question(n)
            n += 1
            started = time.perf_counter()
            try:
                err = await ask(client, text, history)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                err = f"{type(exc).__name__}: {exc}"[:200]
            latencies.append(time.perf_counter() - started)
            if err:
                errors.append(err)

    async def main() -> None:
        limits = httpx.Limits(max_connections=clients * 2)
        async with httpx.AsyncClient(timeout=60, limits=limits, headers=headers) as client:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(worker(client, i, deadline) for i in range(clients)))

    started = time.perf_counter()
    asyncio.run(main())
    wall = time.perf_counter() - started
    for e in sorted(set(errors))[:5]:
        print("error:", e, file=sys.stderr)
    return summarise(latencies, len(errors), wall, clients)


def summarise(latencies: list[float], errors: int, wall: float, clients: int) -> dict[str, Any]:
    """Requests, errors, requests/s and latency p50/p95/max/mean in seconds (None when no
    request finished)."""
    figures: dict[str, float | None] = dict.fromkeys(("p50_s", "p95_s", "max_s", "mean_s"))
    if latencies:
        figures = {
            "p50_s": round(percentile(latencies, 50), 3),
            "p95_s": round(percentile(latencies, 95), 3),
            "max_s": round(max(latencies), 3),
            "mean_s": round(statistics.fmean(latencies), 3),
        }
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": round(len(latencies) / wall, 2) if wall else 0.0,
        **figures,
    }
