"""Add and delete articles in the corpus folder, then ingest incrementally (web app and API).

`CorpusEditor(engine, settings)` is what both the "Add articles" panel and the HTTP API
call: `add` checks each uploaded file (name, type, size, readable article text) before
anything is written, never replaces another article unless asked, writes the accepted files
into `settings.corpus_dir` and ingests only them with `rag.ingest(paths, settings=...)`;
`delete` removes one article's file and drops it from the index. A failed ingest puts the
corpus folder back as it was. One change at a time per process (a lock).
"""

from __future__ import annotations

import glob
import os
import threading
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import rag
from rag import Engine, RagError, Settings
from rag.ingestion.loading import SUPPORTED, SkipFile, load_article
from rag.types import Article

Status = Literal["added", "updated", "unchanged", "skipped"]
# An article of a few hundred KB is already long; 10 MB of text would take hours to embed.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 100
MAX_NAME_CHARS = 150


_locks: dict[Path, threading.Lock] = {}
_locks_lock = threading.Lock()


class ArticleConflict(RagError):
    """A change that cannot be made as asked (the last article, a file outside the corpus)."""


class ArticleNotFound(RagError):
    """No indexed article with that id."""


@dataclass(frozen=True)
class FileResult:
    """What happened to one uploaded file."""

    name: str
    status: Status
    article_id: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ChangeReport:
    """The outcome of one add or delete: per-file results and the ingest's summary."""

    files: list[FileResult] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    ingest: str = ""  # IngestReport.summary(), "" when nothing was ingested
    articles: int = 0
    chunks: int = 0


def check_name(name: object) -> str:
    """The reason an upload's file name is refused, or "" when it is a usable plain name."""
    if not isinstance(name, str) or not name.strip():
        return "the file has no name: send it with a file name such as article.txt"
    if any(sep in name for sep in ("/", "\\", "\x00")) or name in (".", ".."):
        return (
            f"file name {name[:80]!r} contains a path: send a plain name such as article.txt "
            "(files are always written into the corpus folder itself)"
        )
    if name.startswith("."):
        return (
            f"file name {name[:80]!r} starts with a dot (hidden files are not indexed): rename it"
        )
    if len(name) > MAX_NAME_CHARS:
        return f"file name is {len(name)} characters long, over {MAX_NAME_CHARS}: shorten it"
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        return f"file name {name[:80]!r} contains control characters: rename it"
    if Path(name).suffix.lower() not in SUPPORTED:
        return (
            f"unsupported file type {Path(name).suffix or '(none)'!r}: upload "
            + ", ".join(SUPPORTED)
            + " files"
        )
    if not Path(name).stem.strip():
        return f"file name {name!r} has no name before its extension: rename it"
    return ""


class CorpusEditor:
    """Adds and deletes articles of `settings.corpus_dir` and keeps the index in step."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.corpus = Path(settings.corpus_dir)
        with _locks_lock:  # the web app and the API share the lock of their corpus folder
            self._lock = _locks.setdefault(self.corpus.resolve(), threading.Lock())

    # ---- reading -----------------------------------------------------------------------
    def file_of(self, article_id: str) -> Path | None:
        """The corpus file holding `article_id` (its stem), or None."""
        if not article_id or check_name(article_id + ".txt"):
            return None
        for suffix in SUPPORTED:
            path = self.corpus / f"{article_id}{suffix}"
            if path.is_file():
                return path
        if not self.corpus.is_dir():
            return None
        for path in sorted(self.corpus.rglob(f"{glob.escape(article_id)}.*")):  # in subfolders
            rel = path.relative_to(self.corpus).parts
            if path.stem == article_id and path.suffix.lower() in SUPPORTED and path.is_file():
                if not any(part.startswith(".") for part in rel):  # as ingest: hidden ones out
                    return path
        return None

    def article(self, article_id: str) -> tuple[rag.ArticleInfo, Article]:
        """The indexed article's metadata and its cleaned text (what citation offsets refer to).

        Raises:
            ArticleNotFound: no indexed article has that id, or its file is gone.
        """
        info = {a.article_id: a for a in self.engine.articles()}.get(article_id)
        path = self.file_of(article_id) if info else None
        if info is None or path is None:
            raise ArticleNotFound(
                f"No article with id {article_id!r}"
                + (" in the corpus folder" if info else "")
                + ": list the ids with GET /api/articles."
            )
        try:
            return info, load_article(path)
        except SkipFile as exc:
            raise ArticleNotFound(
                f"The file of article {article_id!r} can no longer be read ({exc.reason})."
            ) from None

    # ---- adding ------------------------------------------------------------------------
    def add(
        self,
        uploads: Sequence[tuple[str, bytes]],
        *,
        overwrite: bool = False,
        progress: bool = False,
        on_stage: Callable[[str], None] | None = None,
    ) -> ChangeReport:
        """Write the acceptable (name, bytes) uploads into the corpus and ingest them.

        Args:
            uploads: file names (plain names, no folders) and their bytes.
            overwrite: replace an existing file of the same name whose content differs
                (otherwise it is skipped with the reason).
            progress: let the ingest show its progress bar (the web app follows it).
            on_stage: called with a short note before each stage.

        Raises:
            CorpusError: the ingest failed; the corpus folder is left as it was.
        """
        if len(uploads) > MAX_FILES:
            raise rag.CorpusError(
                f"Expected at most {MAX_FILES} files per upload, got {len(uploads)}: send them "
                "in smaller batches."
            )
        with self._lock:
            return self._add(uploads, overwrite, progress, on_stage or (lambda _s: None))

    def _add(
        self,
        uploads: Sequence[tuple[str, bytes]],
        overwrite: bool,
        progress: bool,
        stage: Callable[[str], None],
    ) -> ChangeReport:
        stage("Checking the files")
        indexed = {a.article_id for a in self.engine.articles()}
        results: dict[int, FileResult] = {}
        accepted: list[tuple[int, str, bytes]] = []
        seen: set[str] = set()
        for i, (name, data) in enumerate(uploads):
            aid = Path(name).stem if isinstance(name, str) else ""
            why = check_name(name) or self._check_content(name, data)
            if not why and aid in seen:
                why = f"article id {aid!r} appears twice in this upload: send one file per id"
            if not why:
                why, unchanged = self._check_target(name, aid, data, indexed, overwrite)
                if unchanged:
                    results[i] = FileResult(name, "unchanged", aid, why)
                    seen.add(aid)
                    continue
            if why:
                results[i] = FileResult(str(name)[:200], "skipped", aid, why)
                continue
            seen.add(aid)
            accepted.append((i, name, data))
        report = ""
        if accepted:
            stage(f"Saving {len(accepted)} file(s)")
            undo = self._write([(name, data) for _, name, data in accepted])
            stage("Indexing")
            try:
                paths = [self.corpus / name for _, name, _ in accepted]
                ingested = rag.ingest(paths, settings=self.settings, progress=progress)
            except Exception:
                undo()
                raise
            report = ingested.summary()
            why_of = {Path(s.path).name: s.reason for s in ingested.skipped}
            for i, name, _ in accepted:
                aid = Path(name).stem
                if name in why_of:
                    results[i] = FileResult(name, "skipped", aid, why_of[name])
                else:
                    results[i] = FileResult(name, "updated" if aid in indexed else "added", aid)
        info = self.engine.info()
        files = [results[i] for i in sorted(results)]
        return ChangeReport(files, [], report, info.articles, info.chunks)

    @staticmethod
    def _check_content(name: str, data: bytes) -> str:
        """The reason the bytes are not an article (the loader ingest uses), or ""."""
        if len(data) > MAX_FILE_BYTES:
            return (
                f"too large: {len(data):,} bytes, over the upload limit of {MAX_FILE_BYTES:,}: "
                "split the file, or copy it into the corpus folder and run `rag ingest`"
            )
        try:
            load_article(Path(name), data)
        except SkipFile as exc:
            return exc.reason
        return ""

    def _check_target(
        self, name: str, aid: str, data: bytes, indexed: set[str], overwrite: bool
    ) -> tuple[str, bool]:
        """(reason to skip or "", whether the same file is already there unchanged)."""
        target = self.corpus / name
        existing = self.file_of(aid)
        if existing is not None and existing.resolve() != target.resolve():
            return (
                f"article id {aid!r} is already used by {existing.name}: rename the file "
                "(the id is the file name without its extension)",
                False,
            )
        if existing is None and aid in indexed:
            return (
                f"article id {aid!r} is already indexed from a file outside the corpus "
                "folder: rename the file",
                False,
            )
        if existing is not None:
            if existing.read_bytes() == data:
                return "the same file is already in the corpus", True
            if not overwrite:
                return (
                    f"{name} already exists with other content: rename the file, or send "
                    "overwrite=true to replace it",
                    False,
                )
        return "", False

    def _write(self, files: list[tuple[str, bytes]]) -> Callable[[], None]:
        """Write each file atomically; return a function that puts the folder back."""
        self.corpus.mkdir(parents=True, exist_ok=True)
        previous: list[tuple[Path, bytes | None]] = []
        for name, data in files:
            target = self.corpus / name
            previous.append((target, target.read_bytes() if target.exists() else None))
            tmp = self.corpus / f".upload-{uuid.uuid4().hex}.tmp"  # hidden: never ingested
            tmp.write_bytes(data)
            os.replace(tmp, target)

        def undo() -> None:
            for target, old in previous:
                if old is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(old)

        return undo

    # ---- deleting ----------------------------------------------------------------------
    def delete(self, article_id: str) -> ChangeReport:
        """Delete the article's file from the corpus and its chunks from the index.

        Raises:
            ArticleNotFound: no indexed article has that id.
            ArticleConflict: it is the last article, or its file is not in the corpus folder.
        """
        with self._lock:
            ids = {a.article_id for a in self.engine.articles()}
            if article_id not in ids:
                raise ArticleNotFound(
                    f"No article with id {article_id!r}: list the ids with GET /api/articles."
                )
            if len(ids) == 1:
                raise ArticleConflict(
                    f"{article_id!r} is the last article: the index needs at least one, so add "
                    "another article before deleting it."
                )
            path = self.file_of(article_id)
            if path is None:
                raise ArticleConflict(
                    f"The file of article {article_id!r} is not in the corpus folder "
                    f"{self.corpus}: remove it where it is and run `rag ingest`."
                )
            data = path.read_bytes()
            path.unlink()
            try:
                # Explicit paths: articles are removed only when their file is gone.
                ingested = rag.ingest([self.corpus], settings=self.settings)
            except Exception:
                path.write_bytes(data)
                raise
            info = self.engine.info()
            return ChangeReport([], [article_id], ingested.summary(), info.articles, info.chunks)
