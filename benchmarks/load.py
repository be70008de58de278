"""Load test: N concurrent chat clients against a running `rag serve`, for a bounded time.

    .venv/bin/rag serve --port 7860 &
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:7860 --clients 50 --seconds 60

Each client asks questions from a fixed list through the app's documented API endpoint
(`/ask`, over Gradio's HTTP API with httpx; all clients on one event loop) back to back, half of them as follow-ups with history. Traffic
goes to loopback only; the run stops after `--seconds` or `--max-requests`, whichever first.
Prints requests, errors, throughput and p50/p95/max latency, and exits 1 on any error.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from urllib.parse import urlparse

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


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    i = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[i]


async def _ask(client, url: str, question: str, history: list[dict[str, str]]) -> str:  # type: ignore[no-untyped-def]
    """One question through the app's `/ask` endpoint (Gradio's HTTP API: submit, then read
    the event stream); "" on success, else what went wrong."""
    r = await client.post(
        f"{url}/gradio_api/call/ask", json={"data": [question, json.dumps(history)]}
    )
    r.raise_for_status()
    event_id = r.json()["event_id"]
    r = await client.get(f"{url}/gradio_api/call/ask/{event_id}")
    r.raise_for_status()
    event, data = "", ""
    for line in r.text.splitlines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data = line[5:].strip()
    if event != "complete":
        return f"event {event!r}: {data[:120]}"
    result = json.loads(data)
    ok = isinstance(result, list) and isinstance(result[0], dict) and "answer" in result[0]
    return "" if ok else f"unexpected result {data[:80]}"


def run(url: str, clients: int, seconds: float, max_requests: int) -> dict[str, float]:
    import asyncio

    import httpx

    url = url.rstrip("/")
    host = urlparse(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing to load-test {url}: only loopback addresses are allowed")
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
            if n % 2:
                question, history = FOLLOW_UP[0], [{"role": "user", "content": FOLLOW_UP[1]}]
            else:
                question, history = QUESTIONS[n % len(QUESTIONS)], []
            n += 1
            started = time.perf_counter()
            try:
                err = await _ask(client, url, question, history)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                err = f"{type(exc).__name__}: {exc}"[:200]
            latencies.append(time.perf_counter() - started)
            if err:
                errors.append(err)

    async def main() -> None:
        limits = httpx.Limits(max_connections=clients * 2)
        async with httpx.AsyncClient(timeout=60, limits=limits) as client:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(worker(client, i, deadline) for i in range(clients)))

    started = time.perf_counter()
    asyncio.run(main())
    wall = time.perf_counter() - started
    stats = {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_s": round(_percentile(latencies, 50), 3),
        "p95_s": round(_percentile(latencies, 95), 3),
        "max_s": round(max(latencies), 3) if latencies else float("nan"),
        "mean_s": round(statistics.fmean(latencies), 3) if latencies else float("nan"),
    }
    for e in sorted(set(errors))[:5]:
        print("error:", e, file=sys.stderr)
    return stats


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default="http://127.0.0.1:7860")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--max-requests", type=int, default=100_000)
    args = p.parse_args()
    stats = run(args.url, args.clients, args.seconds, args.max_requests)
    print(json.dumps(stats))
    return 1 if stats["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
