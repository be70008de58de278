"""Optional cross-encoder reranking (RAG_RERANK_MODEL); skipped with a notice when absent."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from rag.types import Hit

log = logging.getLogger("rag")
_models: dict[str, Any] = {}
_lock = threading.Lock()


def load_reranker(name: str) -> Any:
    """The CrossEncoder for `name` from a local folder or the local cache, else None."""
    with _lock:
        if name in _models:
            return _models[name]
        model = None
        try:
            from sentence_transformers import CrossEncoder

            folder = Path(name).expanduser()
            # Only local files: a reranker is an optional extra, never worth a network wait.
            model = CrossEncoder(
                str(folder) if folder.is_dir() else name, device="cpu", local_files_only=True
            )
        except Exception as exc:  # noqa: BLE001 - any failure means: no reranking
            log.warning(
                "reranker %r unavailable (%s): results are not reranked. Put the model folder "
                "on this machine and set RAG_RERANK_MODEL to its path, or unset it.",
                name,
                str(exc).splitlines()[0][:200],
            )
        _models[name] = model
        return model


def rerank(model_name: str, query: str, hits: list[Hit]) -> list[Hit]:
    """Hits reordered by the cross-encoder; score becomes its relevance score."""
    model = load_reranker(model_name)
    if model is None or not hits:
        return hits
    scores = model.predict([(query, h.text) for h in hits])
    ranked = sorted(zip(hits, scores, strict=True), key=lambda hs: -float(hs[1]))
    return [replace(h, score=float(s)) for h, s in ranked]
