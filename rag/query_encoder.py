"""A torch-free encoder for search queries: a BERT sentence-transformers model run in NumPy.

Importing sentence-transformers (with transformers and torch) takes 5-15 s, most of the cold
start of `rag ask`. A query is one short text, and the forward pass of a small BERT over it
is a few milliseconds of NumPy. The weights are memory-mapped from the model's own
`model.safetensors` (no copy, no export step) and the text is cut by the model's own
`tokenizer.json` through `tokenizers`.

Only the plain shape is supported: modules Transformer -> Pooling (mean or CLS) ->
optional Normalize, a `bert` model with absolute positions, GELU or ReLU, float32 weights.
`load` returns None for anything else and the caller keeps using sentence-transformers.
Vectors match sentence-transformers' within 1e-5 (tests/test_query_encoder.py).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_SUPPORTED_ACT = ("gelu", "relu")
# Abramowitz & Stegun 7.1.26: erf to 1.5e-7 absolute, far below float32 noise in a layer.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


_R2 = np.float32(0.7071067811865476)  # 1 / sqrt(2)


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as transformers' "gelu", with erf from Abramowitz & Stegun.

    gelu(x) = x * (1 - h) for x >= 0 and x * h below, h = (1 - erf(|x|/sqrt 2)) / 2; all
    in place on one float32 buffer: half the time of the plain expression, which was a
    third of a query's forward pass.
    """
    a1, a2, a3, a4, a5 = (np.float32(a) for a in _ERF_A)
    z = np.abs(x)
    z *= _R2
    t = z * np.float32(_ERF_P)
    t += 1
    np.reciprocal(t, out=t)
    h = t * a5
    for a in (a4, a3, a2, a1):
        h += a
        h *= t
    z *= z
    np.negative(z, out=z)
    np.exp(z, out=z)
    h *= z
    h *= np.float32(0.5)
    np.subtract(np.float32(1.0), h, out=h, where=x >= 0)
    h *= x
    return h


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(var + np.float32(eps)) * w + b


_blas: Any = None
# BLAS threads for a query's forward pass when it is the only request in the process: on an
# otherwise idle 2-core machine two threads cut a seed search from 17.2 to 12.3 ms (p50).
ALONE_THREADS = 2
_requests = 0  # requests being served in this process (see `serving`)
_requests_lock = threading.Lock()


@contextlib.contextmanager
def serving() -> Iterator[None]:
    """Count one request (a search or an answer) as being served while inside.

    A query is encoded on `ALONE_THREADS` BLAS threads only when no other request is being
    served: with several at once the cores are taken, and a multi-threaded OpenBLAS spent
    6-8x longer waiting for its threads than computing (50-client load test), so each query
    then gets one thread. A plain counter, not per thread: a streamed answer may be resumed
    on another thread than the one it started on.
    """
    global _requests
    with _requests_lock:
        _requests += 1
    try:
        yield
    finally:
        with _requests_lock:
            _requests -= 1


def _blas_threads() -> int:
    return ALONE_THREADS if _requests <= 1 else 1


@contextlib.contextmanager
def _limit_blas(threads: int) -> Iterator[None]:
    """Run the small matrix products of one query on at most `threads` BLAS threads."""
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas = ThreadpoolController().select(user_api="blas")
        except Exception:  # noqa: BLE001 - optional (comes with scikit-learn): just run as is
            _blas = False
    if not _blas:
        yield
        return
    with _blas.limit(limits=threads):
        yield


def _read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _safetensors(path: Path) -> dict[str, np.ndarray]:
    """float32 tensors of a .safetensors file as read-only views of one memory map."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        out[name] = data[start:end].view(np.float32).reshape(info["shape"])
    return out


@dataclass(frozen=True)
class _Layer:
    """One encoder layer; matrices laid out (in, out), contiguous: x @ w is the fast case."""

    qkv: np.ndarray  # query, key and value projections side by side: one product, not three
    qkvb: np.ndarray
    o: np.ndarray
    ob: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    i: np.ndarray
    ib: np.ndarray
    out: np.ndarray
    outb: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


def _t(w: np.ndarray) -> np.ndarray:
    """A torch Linear weight (out, in) as a contiguous (in, out) array (a copy: products
    with the transposed memory map itself were ~35 % slower)."""
    return np.ascontiguousarray(w.T)


class NumpyBertEncoder:
    """Sentence vectors of a BERT sentence-transformers model, computed with NumPy."""

    def __init__(
        self,
        folder: Path,
        tokenizer: Any,
        config: dict[str, Any],
        weights: dict[str, np.ndarray],
        pooling: str,
        max_length: int,
        lower_case: bool,
        prompts: dict[str, str],
    ):
        self.folder = folder
        self.tokenizer = tokenizer
        self.prompts = prompts
        self.max_length = max_length
        self.lower_case = lower_case
        self.pooling = pooling
        self._lock = threading.Lock()  # the BLAS thread limit is process-wide: one at a time
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.act = (
            _gelu if config.get("hidden_act", "gelu") == "gelu" else (lambda x: np.maximum(x, 0))
        )
        prefix = next(k for k in weights if k.endswith("embeddings.word_embeddings.weight"))
        p = prefix[: -len("embeddings.word_embeddings.weight")]
        w = weights
        self.word = w[f"{p}embeddings.word_embeddings.weight"]
        self.pos = w[f"{p}embeddings.position_embeddings.weight"]
        self.types = w.get(f"{p}embeddings.token_type_embeddings.weight")
        self.ln0 = (w[f"{p}embeddings.LayerNorm.weight"], w[f"{p}embeddings.LayerNorm.bias"])
        self.layers = []
        for n in range(int(config["num_hidden_layers"])):
            lp = f"{p}encoder.layer.{n}."
            att = lp + "attention.self."
            self.layers.append(
                _Layer(
                    qkv=_t(
                        np.concatenate([w[att + f"{m}.weight"] for m in ("query", "key", "value")])
                    ),
                    qkvb=np.concatenate([w[att + f"{m}.bias"] for m in ("query", "key", "value")]),
                    o=_t(w[lp + "attention.output.dense.weight"]),
                    ob=w[lp + "attention.output.dense.bias"],
                    ln1=(
                        w[lp + "attention.output.LayerNorm.weight"],
                        w[lp + "attention.output.LayerNorm.bias"],
                    ),
                    i=_t(w[lp + "intermediate.dense.weight"]),
                    ib=w[lp + "intermediate.dense.bias"],
                    out=_t(w[lp + "output.dense.weight"]),
                    outb=w[lp + "output.dense.bias"],
                    ln2=(w[lp + "output.LayerNorm.weight"], w[lp + "output.LayerNorm.bias"]),
                )
            )

    @property
    def dimension(self) -> int:
        return self.hidden

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised sentence vectors, one row per text (texts carry their prefix)."""
        if self.lower_case:
            texts = [t.lower() for t in texts]
        encs = self.tokenizer.encode_batch(texts)
        length = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), length), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros((len(encs), length), dtype=np.float32)
        for r, e in enumerate(encs):
            ids[r, : len(e.ids)] = e.ids
            types[r, : len(e.ids)] = e.type_ids
            mask[r, : len(e.ids)] = 1.0
        with self._lock, _limit_blas(_blas_threads()):
            return self._forward(ids, types, mask)

    def _forward(self, ids: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        b, n = ids.shape
        h, d = self.heads, self.hidden // self.heads
        x = self.word[ids] + self.pos[:n][None, :, :]
        if self.types is not None:
            x = x + self.types[types]
        x = _layer_norm(x, *self.ln0, self.eps)
        # Padding keys get the most negative float, as transformers' attention mask does.
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(d))
        for L in self.layers:
            qkv = (x @ L.qkv + L.qkvb).reshape(b, n, 3, h, d)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            scores = (q @ k) * scale + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, self.hidden)
            x = _layer_norm(ctx @ L.o + L.ob + x, *L.ln1, self.eps)
            x = _layer_norm(self.act(x @ L.i + L.ib) @ L.out + L.outb + x, *L.ln2, self.eps)
        if self.pooling == "cls":
            pooled = x[:, 0]
        else:
            m = mask[:, :, None]
            pooled = (x * m).sum(1) / np.maximum(m.sum(1), np.float32(1e-9))
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        return np.asarray(pooled / norms, dtype=np.float32)


def model_prompts(folder: Path) -> dict[str, str]:
    """The prompts sentence-transformers would give the model: "query" and "document" (empty
    unless saved), updated by `prompts` in config_sentence_transformers.json."""
    prompts: dict[str, str] = {"query": "", "document": ""}
    cfg = folder / "config_sentence_transformers.json"
    if cfg.exists():
        for key, value in (_read_json(cfg).get("prompts") or {}).items():
            if value is not None:
                prompts[key] = value
    return prompts


_lock = threading.Lock()


def load(folder: str | Path) -> NumpyBertEncoder | None:
    """The NumPy encoder for a sentence-transformers folder, or None when its shape is not
    the supported one (or a file is missing or unreadable)."""
    try:
        with _lock:
            return _load(Path(folder))
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return None


# sentence_bert_config.json keys of a plain text Transformer module: the older format and
# sentence-transformers 6's (with the values that mean "last_hidden_state of a text model").
_PLAIN_ST_CONFIG = {
    "transformer_task": "feature-extraction",
    "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
    "module_output_name": "token_embeddings",
}


def _pooling_mode(cfg: dict[str, Any]) -> str | None:
    """The pooling, mean or cls, of a Pooling config (old boolean keys or `pooling_mode`)."""
    if "pooling_mode" in cfg:
        mode = cfg["pooling_mode"]
        mode = mode[0] if isinstance(mode, list) and len(mode) == 1 else mode
        return mode if mode in ("mean", "cls") else None
    modes = {k for k, v in cfg.items() if k.startswith("pooling_mode_") and v is True}
    return {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}.get(
        next(iter(modes)) if len(modes) == 1 else ""
    )


def _bert_tokenizer(tdir: Path, tok_cfg: dict[str, Any], max_length: int) -> Any:
    """The model's tokenizer.json, when it is exactly what transformers' BertTokenizer builds
    from tokenizer_config.json (that class rebuilds normaliser and post-processor from it)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    if tok_cfg.get("tokenizer_class") not in ("BertTokenizer", "BertTokenizerFast"):
        return None
    tok = Tokenizer.from_file(str(tdir / "tokenizer.json"))
    norm, model = tok.normalizer, tok.model
    if not (
        isinstance(norm, normalizers.BertNormalizer)
        and norm.clean_text
        and norm.lowercase == tok_cfg.get("do_lower_case", True)
        and norm.handle_chinese_chars == tok_cfg.get("tokenize_chinese_chars", True)
        and norm.strip_accents == tok_cfg.get("strip_accents")
        and isinstance(tok.pre_tokenizer, pre_tokenizers.BertPreTokenizer)
        and isinstance(model, models.WordPiece)
        and model.unk_token == tok_cfg.get("unk_token", "[UNK]")
        and model.continuing_subword_prefix == "##"
        and model.max_input_chars_per_word == 100
    ):
        return None
    tok.no_padding()
    tok.enable_truncation(max_length=max_length)
    cls_id = tok.token_to_id(tok_cfg.get("cls_token", "[CLS]"))
    sep_id = tok.token_to_id(tok_cfg.get("sep_token", "[SEP]"))
    if tok.encode("").ids != [cls_id, sep_id]:
        return None
    return tok


def _load(folder: Path) -> NumpyBertEncoder | None:
    modules = _read_json(folder / "modules.json")
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return None
    tdir = folder / (modules[0].get("path") or "")
    config = _read_json(tdir / "config.json")
    if (
        config.get("model_type") != "bert"
        or config.get("position_embedding_type", "absolute") != "absolute"
        or config.get("hidden_act", "gelu") not in _SUPPORTED_ACT
        or config.get("is_decoder")
        or config.get("dtype", config.get("torch_dtype", "float32")) not in ("float32", None)
    ):
        return None
    pool_cfg = _read_json(folder / (modules[1].get("path") or "") / "config.json")
    pooling = _pooling_mode(pool_cfg)
    dim = pool_cfg.get("embedding_dimension", pool_cfg.get("word_embedding_dimension"))
    if pooling is None or dim != config["hidden_size"]:
        return None
    st_cfg_path = tdir / "sentence_bert_config.json"
    st_cfg = _read_json(st_cfg_path) if st_cfg_path.exists() else {}
    for key, value in st_cfg.items():
        if key not in ("max_seq_length", "do_lower_case") and _PLAIN_ST_CONFIG.get(key) != value:
            return None  # module options this encoder does not reproduce
    tok_cfg_path = tdir / "tokenizer_config.json"
    tok_cfg = _read_json(tok_cfg_path) if tok_cfg_path.exists() else {}
    max_length = st_cfg.get("max_seq_length") or tok_cfg.get("model_max_length")
    if not isinstance(max_length, int) or max_length <= 0:
        return None
    max_length = min(max_length, int(config["max_position_embeddings"]))
    weights_path = tdir / "model.safetensors"
    if not weights_path.exists() or not (tdir / "tokenizer.json").exists():
        return None
    tokenizer = _bert_tokenizer(tdir, tok_cfg, max_length)
    if tokenizer is None:
        return None
    return NumpyBertEncoder(
        folder,
        tokenizer,
        config,
        _safetensors(weights_path),
        pooling,
        max_length,
        bool(st_cfg.get("do_lower_case", False)),
        model_prompts(folder),
    )
