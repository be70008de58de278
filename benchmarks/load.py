"""Load test: N concurrent chat clients against a running `rag serve`, for a bounded time.

    .venv/bin/rag serve --port 7860 &
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:7860 --clients 50 --seconds 60

Each client asks questions from a fixed list through the app's documented API endpoint
(`/ask`, over Gradio's HTTP API with httpx; all clients on one event loop, see
loadgen.py) back to back, half of them as follow-ups with history. Traffic goes to loopback
only; the run stops after `--seconds` or `--max-requests`, whichever first.
Prints requests, errors, throughput and p50/p95/max latency, and exits 1 on any error.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from typing import Any

from loadgen import History, check_loopback, drive


async def _ask(url: str, client: Any, question: str, history: History) -> str:
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


def run(url: str, clients: int, seconds: float, max_requests: int) -> dict[str, Any]:
    """Drive `clients` concurrent chat clients for at most `seconds` / `max_requests`."""
    url = check_loopback(url)
    return drive(partial(_ask, url), clients=clients, seconds=seconds, max_requests=max_requests)


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
