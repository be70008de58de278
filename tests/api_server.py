"""A real `rag serve` for the HTTP API tests: a subprocess on 127.0.0.1 and a free port,
over a copy of the seed corpus (the server builds the index itself when it starts).

Servers are shared by the test modules that ask for the same configuration and stopped
when the test process exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from conftest import SEED_CORPUS, settings_for

ROOT = Path(__file__).resolve().parent.parent
API_KEYS = ("test-key-one", "test-key-two")
START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ApiServer:
    """`python -m rag.cli serve` with its own corpus and index under `root`."""

    def __init__(self, root: Path, *, keys: tuple[str, ...] = ()) -> None:
        self.root = root
        self.corpus = root / "corpus"
        shutil.copytree(SEED_CORPUS, self.corpus)
        self.settings = settings_for(root, feedback_file=root / "feedback.jsonl")
        self.keys = keys
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
        env.update(
            RAG_CORPUS_DIR=str(self.settings.corpus_dir),
            RAG_INDEX_DIR=str(self.settings.index_dir),
            RAG_EMBED_MODEL=self.settings.embed_model,
            RAG_FEEDBACK_FILE=str(self.settings.feedback_file),
            RAG_API_KEY=",".join(keys),
            PYTHONPATH=str(ROOT),
        )
        self.log = (root / "server.log").open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rag.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait()

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[0]}"} if self.keys else {}

    def client(self, **kwargs: object) -> httpx.Client:
        """An httpx client on the server, with the first key (unless headers are given)."""
        options: dict[str, object] = {"base_url": self.url, "timeout": 120, "headers": self.headers}
        options.update(kwargs)
        return httpx.Client(**options)  # type: ignore[arg-type]

    def _wait(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rag serve exited ({self.proc.returncode}): {self.output()}")
            try:
                r = httpx.get(f"{self.url}/api/health", headers=self.headers, timeout=2)
                if r.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.close()
        raise RuntimeError(f"rag serve did not answer in {START_TIMEOUT_S} s: {self.output()}")

    def output(self) -> str:
        self.log.flush()
        return (self.root / "server.log").read_text(encoding="utf-8", errors="replace")[-3000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


_servers: dict[tuple[str, ...], ApiServer] = {}


def shared_server(root_factory: object, *, keys: tuple[str, ...] = API_KEYS) -> ApiServer:
    """The server for this key set, started on first use (tmp_path_factory gives its root)."""
    if keys not in _servers:
        root = root_factory.mktemp("api-server")  # type: ignore[attr-defined]
        _servers[keys] = ApiServer(root, keys=keys)
        atexit.register(_servers[keys].close)
    return _servers[keys]
