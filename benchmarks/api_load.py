"""Load test of the HTTP API: N concurrent clients on POST /api/ask, for a bounded time.

    .venv/bin/rag serve --port 7860 &
    .venv/bin/python benchmarks/api_load.py --url http://127.0.0.1:7860 --clients 50 --seconds 60

Each client asks questions from a fixed list back to back (half of them follow-ups with
history), all clients on one event loop (httpx; see loadgen.py). Loopback only; the run stops after
`--seconds` or `--max-requests`, whichever comes first. Prints JSON with requests, errors,
requests/s and p50/p95/max latency, and exits 1 on any error.

`--compare-search N` then times N sequential POST /api/search calls over HTTP and, in this
process, N `Engine.search` calls on the same index (RAG_* settings, as the server has
them), in alternating blocks, and reports both p50s and their difference (the cost of HTTP + JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from functools import partial
from typing import Any

from loadgen import History, check_loopback, drive

from rag.evaluate.metrics import percentile

SEARCHES = ["青岛 5G基站", "智慧城市 峰会", "贵州 友城", "深圳 智慧杆"]


def _headers(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def _ask(url: str, client: Any, question: str, history: History) -> str:
    """One question through POST /api/ask; "" on success, else what went wrong."""
    body: dict[str, Any] = {"question": question}
    if history:
        body["history"] = history
    r = await client.post(f"{url}/api/ask", json=body)
    ok = r.status_code == 200 and "text" in r.json()
    return "" if ok else f"HTTP {r.status_code}: {r.text[:120]}"


def run(
    url: str, clients: int, seconds: float, max_requests: int, key: str | None = None
) -> dict[str, Any]:
    """Drive `clients` concurrent askers for at most `seconds` / `max_requests`."""
    url = check_loopback(url)
    stats = drive(
        partial(_ask, url),
        clients=clients,
        seconds=seconds,
        max_requests=max_requests,
        headers=_headers(key),
    )
    return {"route": "POST /api/ask", **stats}


def compare_search(
    url: str, n: int, key: str | None = None, settings: Any = None
) -> dict[str, Any]:
    """p50 of POST /api/search over HTTP and of Engine.search in-process, in alternating blocks."""
    import httpx

    import rag

    url = check_loopback(url)
    engine = rag.Engine.open(settings=settings or rag.Settings())
    over_http: list[float] = []
    in_process: list[float] = []
    # Alternate blocks with a pause between: right after a request the server's threads
    # still hold the CPU for a while (on 2 cores an in-process call made at once measured
    # 179 ms against 13 ms after a 50 ms pause), which would be charged to the wrong side.
    block = 10
    with httpx.Client(base_url=url, timeout=30, headers=_headers(key)) as client:
        for i in range(3):  # warm both sides up
            client.post("/api/search", json={"query": SEARCHES[i], "k": 5}).raise_for_status()
            engine.search(SEARCHES[i], k=5)
        for start in range(0, n, block):
            for side, times in (("http", over_http), ("local", in_process)):
                time.sleep(0.2)
                for i in range(start, min(n, start + block)):
                    query = SEARCHES[i % len(SEARCHES)]
                    t0 = time.perf_counter()
                    if side == "http":
                        client.post("/api/search", json={"query": query, "k": 5}).raise_for_status()
                    else:
                        engine.search(query, k=5)
                    times.append(time.perf_counter() - t0)
    http_p50, local_p50 = percentile(over_http, 50), percentile(in_process, 50)
    return {
        "route": "POST /api/search",
        "calls": n,
        "http_p50_ms": ms(http_p50),
        "http_p95_ms": ms(percentile(over_http, 95)),
        "in_process_p50_ms": ms(local_p50),
        "in_process_p95_ms": ms(percentile(in_process, 95)),
        "difference_p50_ms": ms(http_p50 - local_p50),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--url", default="http://127.0.0.1:7860")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--max-requests", type=int, default=100_000)
    p.add_argument(
        "--compare-search",
        type=int,
        default=0,
        metavar="N",
        help="then time N searches over HTTP and in-process (0: skip)",
    )
    p.add_argument("--key", default=None, help="API key (default: the first of RAG_API_KEY)")
    args = p.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 600:
        raise SystemExit("expected 1-500 clients and 0-600 seconds")
    key = args.key or (os.environ.get("RAG_API_KEY", "").split(",")[0].strip() or None)
    stats: dict[str, Any] = {
        "ask": run(args.url, args.clients, args.seconds, args.max_requests, key)
    }
    if args.compare_search:
        stats["search"] = compare_search(args.url, args.compare_search, key)
    print(json.dumps(stats, ensure_ascii=False))
    return 1 if stats["ask"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
