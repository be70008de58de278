"""What an ingest starts from: the corpus files with their hashes, and the lock that keeps
one ingest at a time on an index folder."""

from __future__ import annotations

import fcntl
from collections.abc import Sequence
from pathlib import Path

from rag.errors import RagError
from rag.index.manifest import Manifest
from rag.types import Skipped


class IngestLock:
    """One ingest at a time per index folder (advisory lock file)."""

    def __init__(self, index_dir: Path):
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / ".ingest.lock"

    def __enter__(self) -> IngestLock:
        self.f = open(self.path, "w")  # noqa: SIM115 - closed in __exit__
        try:
            fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self.f.close()
            raise RagError(
                f"another `rag ingest` is running on {self.path.parent}: wait for it to finish"
            ) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def scan(
    files: Sequence[Path], old: Manifest | None
) -> tuple[dict[str, tuple[Path, str, int, float]], list[Skipped]]:
    """article id -> (path, sha256, size, mtime); duplicate ids are skipped."""
    import hashlib

    found: dict[str, tuple[Path, str, int, float]] = {}
    skipped: list[Skipped] = []
    for path in files:
        aid = path.stem
        if aid in found:
            skipped.append(
                Skipped(str(path), f"same article id {aid!r} as {found[aid][0]}: rename one")
            )
            continue
        try:
            st = path.stat()
            prev = old.files.get(aid) if old else None
            if (
                prev
                and prev.path == str(path)
                and prev.size == st.st_size
                and prev.mtime == st.st_mtime
            ):
                sha = prev.sha256  # unchanged size and mtime: skip re-reading (as git does)
            else:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            skipped.append(Skipped(str(path), f"cannot read: {exc.strerror or exc}"))
            continue
        found[aid] = (path, sha, st.st_size, st.st_mtime)
    return found, skipped
