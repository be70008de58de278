"""Speed and scale benchmark: ingest throughput, re-ingest, index size, memory, latency.

    .venv/bin/python benchmarks/bench.py --news ../shared/benchmarks/news-20k.jsonl.gz
    .venv/bin/python benchmarks/bench.py --news ... --sizes 5,1000,10000,20000
    .venv/bin/python benchmarks/bench.py --news ... --quick          # N = 5 and 1000 only
    git archive HEAD rag | tar -x -C /tmp/rag-before                  # then, before/after:
    .venv/bin/python benchmarks/bench.py --news ... --baseline-code /tmp/rag-before

For each corpus size N (5 = the seed corpus, else the first N articles of the news file,
written as .txt files: first line the date when there is one, then the text) it measures,
with the default embedding model (the bundled multilingual-e5-small q4, `rag.embed.bundled`):

- ingest time of a fresh index (model loading included), chunks/s, and the share of it
  spent inside the passage encoder (`BundledModel.passages`); the time until the index is
  searchable by BM25 (its first manifest is written, before any vector);
- the raw encoder throughput of the same model on the same chunk texts
  (`BundledModel.passages` on `index_text(article, chunk)`, best batch
  size among 8/16/32; on a fixed random sample of at most `--encoder-sample` texts),
  `--encoder-runs` times just before and as many just after the ingest; ingest chunks/s /
  median encoder chunks/s, and / the fastest run;
- no-op re-ingest time (median of 3);
- index size on disk; peak memory (VmHWM) of the ingest and of the query process;
- warm `search` and `ask` latency p50/p95 (wall and CPU) over a fixed question set: the
  Chinese questions of evals/questions.jsonl, plus for news sizes questions made from the
  opening clause of random articles (fixed seeds);
- cold start (seed index only): `python -m rag.cli ask "..."` in a new process, median of 3.

Every phase runs in its own subprocess, so peak memory is per phase. Results go to
`benchmarks/results/<date>.md` (one table row per N and code version), `latency.png`, and a
`.json` with every raw figure. The machine's load average is recorded beside each row.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
QUESTIONS = ROOT / "evals" / "questions.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
MODEL = "multilingual-e5-small-q4"  # rag.config.DEFAULT_EMBED_MODEL
BATCH_SIZES = (8, 16, 32)
COLD_QUESTION = "青岛建成了多少个5G基站？"


# ---- helpers ---------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """`rag.evaluate.metrics.percentile` (interpolated, as NumPy), imported when the report
    is written: a phase process runs on --baseline-code's `rag`, which may predate it."""
    from rag.evaluate.metrics import percentile as of

    return of(values, p)


def peak_rss_mb() -> float:
    """This process's resident-set high-water mark (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


def settings_for(corpus: Path, index: Path):  # type: ignore[no-untyped-def]
    from rag.config import DEFAULT_EMBED_MODEL, Settings

    # No vector cache: the timed passes repeat the questions, and a cached query vector
    # would time a repeated question, not a new one.
    return Settings(
        corpus_dir=corpus, index_dir=index, embed_model=DEFAULT_EMBED_MODEL, vector_cache=0
    )


# ---- phases (each runs in its own process) -------------------------------------------------
def phase_ingest(corpus: Path, index: Path, noop_repeats: int) -> dict:
    import rag
    import rag.ingestion.pipeline
    from rag.embed.bundled import BundledModel

    # Time spent inside the encoder itself, to show what the rest of ingest adds (a figure
    # measured in the same run as the total, so it does not depend on the machine's load).
    encode = {"s": 0.0, "calls": 0}
    raw = BundledModel.passages

    def timed(self, *a, **kw):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return raw(self, *a, **kw)
        finally:
            encode["s"] += time.perf_counter() - t0
            encode["calls"] += 1

    BundledModel.passages = timed  # type: ignore[method-assign]
    s = settings_for(corpus, index)
    searchable: list[float] = []
    t0, c0 = time.perf_counter(), time.process_time()

    def at(stage: str) -> None:  # the first manifest: BM25-searchable, vectors to come
        if stage == "saved" and not searchable:
            searchable.append(time.perf_counter() - t0)

    rag.ingestion.pipeline.fault_hook = at
    try:
        report = rag.ingest(settings=s, rebuild=True)
    finally:
        rag.ingestion.pipeline.fault_hook = None
    ingest_s, ingest_cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_fresh = peak_rss_mb()
    noop = []
    for _ in range(noop_repeats):
        t0 = time.perf_counter()
        r = rag.ingest(settings=s)
        noop.append(time.perf_counter() - t0)
        assert r.added == r.updated == r.removed == 0, r
    return {
        "articles": report.added,
        "skipped": len(report.skipped),
        "chunks": report.chunks,
        "ingest_s": ingest_s,
        "ingest_cpu_s": ingest_cpu,
        "encode_in_ingest_s": encode["s"],
        "encode_calls": encode["calls"],
        "bm25_searchable_s": searchable[0] if searchable else None,
        "chunks_per_s": report.chunks / ingest_s,
        "noop_s": noop,
        "ingest_peak_mb": peak_fresh,
    }


def chunk_texts(corpus: Path) -> list[str]:
    """Exactly the texts ingest embeds: passage prefix + index_text(article, chunk)."""
    from rag.config import Settings
    from rag.embed.bundled import BundledModel
    from rag.ingestion.chunking import chunk_article
    from rag.ingestion.loading import SkipFile, find_files, load_article
    from rag.ingestion.pipeline import index_text

    s = Settings()
    count = BundledModel().count_tokens
    texts: list[str] = []
    for path in find_files([corpus]):
        try:
            article = load_article(path, path.read_bytes())
        except SkipFile:
            continue
        for c in chunk_article(
            article, size=s.chunk_size, overlap=s.chunk_overlap, count_tokens=count
        ):
            texts.append(index_text(article, c))
    return texts


def phase_encoder(
    corpus: Path, sample: int, probe: int, batch: int | None, repeats: int = 1
) -> dict:
    from rag.embed.bundled import BundledModel

    model = BundledModel()
    texts = chunk_texts(corpus)
    rng = random.Random(0)
    measured = texts if len(texts) <= sample else rng.sample(texts, sample)
    probe_texts = measured if len(measured) <= probe else rng.sample(measured, probe)

    def run(batch: list[str], bs: int) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        model.passages(batch, batch_size=bs)
        return time.perf_counter() - t0, time.process_time() - c0

    model.passages(probe_texts[:32], batch_size=32)  # warm-up
    probe_rates = {}
    if batch is None:
        probe_rates = {bs: len(probe_texts) / run(probe_texts, bs)[0] for bs in BATCH_SIZES}
        batch = max(probe_rates, key=probe_rates.__getitem__)
    runs = []
    for _ in range(repeats):
        wall, cpu = run(measured, batch)
        runs.append({"measured_texts": len(measured), "encoder_s": wall, "encoder_cpu_s": cpu})
    return {
        "chunk_texts": len(texts),
        "measured_texts": len(measured),
        "probe_rates": probe_rates,
        "best_batch": batch,
        "runs": runs,
    }


def phase_query(corpus: Path, index: Path, questions: list[str], repeats: int) -> dict:
    import rag

    t0 = time.perf_counter()
    engine = rag.Engine.open(settings=settings_for(corpus, index))
    open_s = time.perf_counter() - t0
    for q in questions[:5]:  # warm-up: dictionaries, caches, first encoder call
        engine.ask(q)
    search_ms: list[float] = []
    ask_ms: list[float] = []
    search_cpu_ms: list[float] = []
    ask_cpu_ms: list[float] = []
    for _ in range(repeats):
        for q in questions:
            t0, c0 = time.perf_counter(), time.process_time()
            engine.search(q, k=5)
            search_ms.append((time.perf_counter() - t0) * 1000)
            search_cpu_ms.append((time.process_time() - c0) * 1000)
            t0, c0 = time.perf_counter(), time.process_time()
            engine.ask(q)
            ask_ms.append((time.perf_counter() - t0) * 1000)
            ask_cpu_ms.append((time.process_time() - c0) * 1000)
    return {
        "open_s": open_s,
        "questions": len(questions),
        "search_ms": search_ms,
        "ask_ms": ask_ms,
        "search_cpu_ms": search_cpu_ms,
        "ask_cpu_ms": ask_cpu_ms,
        "query_peak_mb": peak_rss_mb(),
    }


# ---- orchestration ---------------------------------------------------------------------------
class Runner:
    def __init__(self, code: Path | None, cwd: Path):
        self.cwd = cwd  # not the repo: `python -m rag.cli` would import ./rag over --code
        self.env = dict(os.environ)
        self.env["RAG_EMBED_MODEL"] = MODEL
        self.env.setdefault("HF_HUB_OFFLINE", "1")
        self.env.setdefault("TOKENIZERS_PARALLELISM", "false")
        if code is not None:
            self.env["PYTHONPATH"] = os.pathsep.join(
                [str(code), str(ROOT / "benchmarks"), self.env.get("PYTHONPATH", "")]
            )

    def phase(self, name: str, payload: dict) -> dict:
        cmd = [sys.executable, __file__, "_phase", name, json.dumps(payload, ensure_ascii=False)]
        before = loadavg()
        proc = subprocess.run(cmd, env=self.env, cwd=self.cwd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"phase {name} failed (exit {proc.returncode})")
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        out[f"{name}_load"] = [before, loadavg()]
        return out

    def cold_start(
        self, corpus: Path, index: Path, repeats: int
    ) -> tuple[list[float], list[float]]:
        """Wall and CPU (user + sys) seconds of `rag ask` in a new process, `repeats` times."""
        import resource

        env = dict(self.env, RAG_CORPUS_DIR=str(corpus), RAG_INDEX_DIR=str(index))
        times, cpus = [], []
        for _ in range(repeats):
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "rag.cli", "ask", COLD_QUESTION],
                env=env,
                cwd=self.cwd,
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - t0)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
            if proc.returncode != 0:
                sys.stderr.write(proc.stderr)
                raise SystemExit("cold-start `rag ask` failed")
        return times, cpus


def write_news_corpus(news: Path, n: int, out: Path) -> list[dict]:
    out.mkdir(parents=True)
    articles: list[dict] = []
    with gzip.open(news, "rt", encoding="utf-8") as f:
        for line in f:
            if len(articles) >= n:
                break
            a = json.loads(line)
            articles.append(a)
            body = (a["date"] + "\n" if a.get("date") else "") + a["text"]
            (out / f"{a['id']}.txt").write_text(body, encoding="utf-8")
    if len(articles) < n:
        raise SystemExit(f"{news} holds only {len(articles)} articles, asked for {n}")
    return articles


def seed_questions() -> list[str]:
    rows = [
        json.loads(line)
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [r["question"] for r in rows if r.get("lang", "").startswith("zh")]


def article_questions(articles: list[dict], n: int) -> list[str]:
    """Questions from the opening clause of random articles (deterministic)."""
    rng = random.Random(42)
    out: list[str] = []
    for a in rng.sample(articles, min(len(articles), n * 3)):
        clauses = [
            c.strip() for c in re.split(r"[，。！？；：\n]", a["text"]) if len(c.strip()) >= 8
        ]
        if clauses:
            out.append(clauses[0][:24] + "？")
        if len(out) >= n:
            break
    return out


def question_set(articles: list[dict] | None, total: int = 50) -> list[str]:
    rng = random.Random(7)
    seeds = seed_questions()
    if articles is None:
        return rng.sample(seeds, min(total, len(seeds)))
    made = article_questions(articles, total // 2)
    return rng.sample(seeds, total - len(made)) + made


def run_size(runners: dict[str, Runner], n: int, news: Path | None, work: Path, args) -> list[dict]:  # type: ignore[no-untyped-def]
    """One row per code version ("after" = --code, "before" = --baseline-code) for size n."""
    corpus = work / f"corpus-{n}"
    if n == 5:
        shutil.copytree(SEED_CORPUS, corpus)
        articles = None
    else:
        assert news is not None
        articles = write_news_corpus(news, n, corpus)
    qs = question_set(articles)
    rows = []
    index = work / f"index-{n}"
    for label, runner in runners.items():
        row: dict = {"n": n, "code": label, "load_start": loadavg()}
        own_ingest = label == "after" or n <= args.baseline_ingest
        if own_ingest:
            idx = work / f"index-{n}-{label}"
            # The raw encoder is measured several times just before and just after ingest
            # (same chunk texts, model and batch size): this machine's speed drifts by
            # +-10 % over minutes, and the ingest spans both ends.
            print(f"[N={n} {label}] raw encoder (before ingest) ...", flush=True)
            enc1 = runner.phase(
                "encoder",
                {
                    "corpus": str(corpus),
                    "sample": args.encoder_sample,
                    "probe": args.encoder_probe,
                    "batch": None,
                    "repeats": args.encoder_runs,
                },
            )
            print(f"[N={n} {label}] ingest ...", flush=True)
            row.update(
                runner.phase("ingest", {"corpus": str(corpus), "index": str(idx), "noop": 3})
            )
            print(f"[N={n} {label}] raw encoder (after ingest) ...", flush=True)
            enc2 = runner.phase(
                "encoder",
                {
                    "corpus": str(corpus),
                    "sample": args.encoder_sample,
                    "probe": 0,
                    "batch": enc1["best_batch"],
                    "repeats": args.encoder_runs,
                },
            )
            row.update({k: v for k, v in enc1.items() if k != "runs"})
            row["encoder_runs"] = [
                {**run, "when": when, "encoder_load": enc["encoder_load"]}
                for when, enc in (("before", enc1), ("after", enc2))
                for run in enc["runs"]
            ]
            encoder_figures(row)
            row["encode_share"] = row["encode_in_ingest_s"] / row["ingest_s"]
            row["index_mb"] = dir_size_mb(idx)
            if label == "after":
                index = idx
        else:  # the same index as "after" (the on-disk format is unchanged)
            print(f"[N={n} {label}] no-op re-ingest on the shared index ...", flush=True)
            row.update(
                runner.phase("noop", {"corpus": str(corpus), "index": str(index), "noop": 3})
            )
            idx = index
        print(f"[N={n} {label}] queries ...", flush=True)
        row.update(
            runner.phase(
                "query",
                {
                    "corpus": str(corpus),
                    "index": str(idx),
                    "questions": qs,
                    "repeats": args.repeats,
                },
            )
        )
        if n == 5:
            print(f"[N={n} {label}] cold start ...", flush=True)
            row["cold_s"], row["cold_cpu_s"] = runner.cold_start(corpus, idx, 3)
        row["load_end"] = loadavg()
        print(f"[N={n} {label}] {summary(row)}", flush=True)
        rows.append(row)
    if not args.keep:
        shutil.rmtree(corpus, ignore_errors=True)
        for d in work.glob(f"index-{n}-*"):
            shutil.rmtree(d, ignore_errors=True)
    return rows


def phase_noop(corpus: Path, index: Path, repeats: int) -> dict:
    import rag

    s = settings_for(corpus, index)
    noop = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = rag.ingest(settings=s)
        noop.append(time.perf_counter() - t0)
        assert r.added == r.updated == r.removed == 0, r
    return {"noop_s": noop, "chunks": r.chunks}


def _med(values: list[float] | None) -> float:
    return statistics.median(values) if values else float("nan")


def summary(r: dict) -> str:
    parts = [f"{r['chunks']} chunks"]
    if "ingest_s" in r:
        parts.append(
            f"ingest {r['ingest_s']:.1f}s ({r['chunks_per_s']:.2f}/s; encoder {r['encoder_chunks_per_s']:.2f}/s; "
            f"ratio {r['ratio']:.2f}, to fastest run {r['ratio_fastest']:.2f}; "
            f"encoder share of ingest {r['encode_share']:.2f}; "
            f"BM25-searchable after {r.get('bm25_searchable_s') or float('nan'):.1f}s)"
        )
    parts.append(f"no-op {_med(r['noop_s']):.2f}s")
    parts.append(
        f"search p50 {percentile(r['search_ms'], 50):.1f}ms (cpu {percentile(r['search_cpu_ms'], 50):.1f})"
    )
    parts.append(
        f"ask p50 {percentile(r['ask_ms'], 50):.1f}ms (cpu {percentile(r['ask_cpu_ms'], 50):.1f})"
    )
    if r.get("cold_s"):
        parts.append(f"cold {_med(r['cold_s']):.2f}s (cpu {_med(r['cold_cpu_s']):.2f}s)")
    return ", ".join(parts)


def encoder_figures(row: dict) -> None:
    """The raw encoder's speed is the median of its runs before and after the ingest (the
    machine's speed drifts; the ingest spans both ends); the ratio to its fastest run is
    kept beside it as the strictest reading."""
    rates = [e["measured_texts"] / e["encoder_s"] for e in row["encoder_runs"]]
    row["encoder_chunks_per_s"] = statistics.median(rates)
    row["encoder_fastest_chunks_per_s"] = max(rates)
    row["encoder_cpu_per_chunk"] = statistics.median(
        e["encoder_cpu_s"] / e["measured_texts"] for e in row["encoder_runs"]
    )
    row["ratio"] = row["chunks_per_s"] / row["encoder_chunks_per_s"]
    row["ratio_fastest"] = row["chunks_per_s"] / row["encoder_fastest_chunks_per_s"]


def cpu_ratio(r: dict) -> float:
    """The ratio in CPU time: raw encoder CPU s per chunk (median run) / ingest CPU s per
    chunk (all threads)."""
    return r["encoder_cpu_per_chunk"] / (r["ingest_cpu_s"] / r["chunks"])


def markdown(rows: list[dict], meta: dict) -> str:
    cols = [
        "N articles",
        "code",
        "chunks",
        "ingest s (cpu s)",
        "chunks/s",
        "raw encoder chunks/s: median, fastest (batch)",
        "ratio to median (to fastest; cpu)",
        "encoder share of ingest",
        "no-op re-ingest s",
        "index MB",
        "ingest peak MB",
        "query peak MB",
        "search p50/p95 ms",
        "search cpu p50 ms",
        "ask p50/p95 ms",
        "ask cpu p50 ms",
        "cold start s (cpu s)",
        "load avg start → end",
    ]
    lines = [
        f"# Benchmark {meta['date']}",
        "",
        *(f"- {k}: {v}" for k, v in meta.items()),
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    for r in rows:
        ing = "ingest_s" in r
        cells = [
            str(r["n"]),
            r["code"],
            str(r["chunks"]),
            f"{r['ingest_s']:.1f} ({r['ingest_cpu_s']:.0f})" if ing else "",
            f"{r['chunks_per_s']:.2f}" if ing else "",
            f"{r['encoder_chunks_per_s']:.2f}, {r['encoder_fastest_chunks_per_s']:.2f} "
            f"({r['best_batch']})"
            if ing
            else "",
            f"{r['ratio']:.2f} ({r['ratio_fastest']:.2f}; {cpu_ratio(r):.2f})" if ing else "",
            f"{r['encode_share']:.2f}" if ing else "",
            f"{_med(r['noop_s']):.2f}",
            f"{r['index_mb']:.1f}" if ing else "",
            f"{r['ingest_peak_mb']:.0f}" if ing else "",
            f"{r['query_peak_mb']:.0f}",
            f"{percentile(r['search_ms'], 50):.1f} / {percentile(r['search_ms'], 95):.1f}",
            f"{percentile(r['search_cpu_ms'], 50):.1f}",
            f"{percentile(r['ask_ms'], 50):.1f} / {percentile(r['ask_ms'], 95):.1f}",
            f"{percentile(r['ask_cpu_ms'], 50):.1f}",
            f"{_med(r['cold_s']):.2f} ({_med(r['cold_cpu_s']):.2f})" if r.get("cold_s") else "",
            f"{r['load_start']} → {r['load_end']}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "- ratio = ingest chunks/s ÷ raw encoder chunks/s (`BundledModel.passages` on the "
        "same chunk texts, best batch size of 8/16/32; `--encoder-runs` runs just before "
        "and as many just after the ingest, median; at most `--encoder-sample` texts); the "
        "ratio to the fastest of those runs is the strictest reading; cpu = the same in CPU "
        "time (median encoder CPU s per chunk ÷ ingest CPU s per chunk). Encoder share = time inside "
        "`BundledModel.passages` during the ingest ÷ ingest time (same run, so "
        "independent of load changes). Ingest time includes loading the model.",
        f"- Latencies are warm (after 5 warm-up asks), {rows[0]['questions'] if rows else 0} "
        f"questions × {meta['repeats']} passes; cpu = process CPU time per call. No-op "
        "re-ingest: median of 3 in-process `ingest()` calls. Cold start: median of 3 "
        "`python -m rag.cli ask` process runs on the seed index (wall, and user+sys CPU).",
        "- Rows without ingest figures ran on the index built by the row above (same on-disk format).",
        "- Load average = 1/5/15-min at the start and end of each row; the machine has 2 cores "
        "shared with other jobs, so wall times vary with load; CPU times much less.",
    ]
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    styles = {"after": "-", "before": ":"}
    for code in dict.fromkeys(r["code"] for r in rows):
        sel = [r for r in rows if r["code"] == code]
        xs = [r["n"] for r in sel]
        for key, label, color in (
            ("search_ms", "search", "tab:blue"),
            ("ask_ms", "ask", "tab:orange"),
        ):
            for p, marker, alpha in ((50, "o", 1.0), (95, "s", 0.5)):
                ax.plot(
                    xs,
                    [percentile(r[key], p) for r in sel],
                    marker=marker,
                    linestyle=styles.get(code, "-"),
                    color=color,
                    alpha=alpha,
                    label=f"{label} p{p} ({code})",
                )
    ax.set_xscale("log")
    ax.set_yscale("log")
    # Plain numbers on both axes (a narrow log range otherwise reads "1.2 x 10^1").
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax.xaxis.set_major_formatter(plain)
    ax.set_xlabel("corpus size (articles, log scale)")
    ax.set_ylabel("latency (ms, log scale)")
    ax.set_title("Warm query latency vs corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def main() -> int:
    if len(sys.argv) >= 4 and sys.argv[1] == "_phase":
        name, p = sys.argv[2], json.loads(sys.argv[3])
        if name == "ingest":
            res = phase_ingest(Path(p["corpus"]), Path(p["index"]), p["noop"])
        elif name == "noop":
            res = phase_noop(Path(p["corpus"]), Path(p["index"]), p["noop"])
        elif name == "encoder":
            res = phase_encoder(
                Path(p["corpus"]), p["sample"], p["probe"], p["batch"], p.get("repeats", 1)
            )
        else:
            res = phase_query(Path(p["corpus"]), Path(p["index"]), p["questions"], p["repeats"])
        print(json.dumps(res))
        return 0

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--news",
        type=Path,
        default=ROOT.parent / "shared/benchmarks/news-20k.jsonl.gz",
        help="news-20k.jsonl.gz (gzipped JSON lines id/date/text)",
    )
    ap.add_argument(
        "--sizes",
        default="5,1000,10000",
        help="comma-separated corpus sizes; 5 = the seed corpus (20000 is slow)",
    )
    ap.add_argument("--quick", action="store_true", help="only N = 5 and 1000")
    ap.add_argument("--repeats", type=int, default=3, help="passes over the question set")
    ap.add_argument(
        "--encoder-sample",
        type=int,
        default=800,
        help="raw encoder: at most this many chunk texts per run (random, fixed seed)",
    )
    ap.add_argument(
        "--encoder-runs",
        type=int,
        default=3,
        help="raw encoder: measured runs before the ingest, and as many after",
    )
    ap.add_argument(
        "--encoder-probe",
        type=int,
        default=128,
        help="raw encoder: texts per batch size when picking the batch size",
    )
    ap.add_argument(
        "--code",
        type=Path,
        default=None,
        help="run against this checkout of the package (default: the installed one)",
    )
    ap.add_argument(
        "--baseline-code",
        type=Path,
        default=None,
        help="also measure this checkout (e.g. `git archive HEAD rag | tar -x -C DIR`): "
        "no-op re-ingest, queries and cold start on the same index",
    )
    ap.add_argument(
        "--baseline-ingest",
        type=int,
        default=0,
        metavar="MAX_N",
        help="with --baseline-code: also time a fresh ingest with it for sizes up "
        "to MAX_N (slow); larger sizes share the new code's index",
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    ap.add_argument("--tag", default="", help="suffix for the result file names")
    ap.add_argument("--workdir", type=Path, default=None, help="where temp corpora/indexes go")
    ap.add_argument("--keep", action="store_true", help="keep the temp corpora and indexes")
    ap.add_argument(
        "--render",
        type=Path,
        default=None,
        metavar="JSON",
        help="only rewrite the .md and .png of an earlier run from its .json",
    )
    args = ap.parse_args()
    if args.render:
        saved = json.loads(args.render.read_text(encoding="utf-8"))
        for row in saved["rows"]:
            if row.get("encoder_runs"):
                encoder_figures(row)
        args.render.with_suffix(".md").write_text(
            markdown(saved["rows"], saved["meta"]), encoding="utf-8"
        )
        tag = args.render.stem[len(saved["meta"]["date"]) + 1 :]
        plot(saved["rows"], args.render.parent / (f"latency-{tag}.png" if tag else "latency.png"))
        return 0

    sizes = [5, 1000] if args.quick else [int(x) for x in args.sizes.split(",") if x.strip()]
    news: Path | None = args.news
    if any(n != 5 for n in sizes) and (news is None or not news.exists()):
        print(
            f"error: no news file at {news}: pass --news PATH to news-20k.jsonl.gz "
            "(see ../shared/benchmarks/README.md), or use --sizes 5",
            file=sys.stderr,
        )
        return 2
    work = Path(tempfile.mkdtemp(prefix="rag-bench-", dir=args.workdir))
    runners = {"after": Runner(args.code, work)}
    if args.baseline_code:
        runners["before"] = Runner(args.baseline_code, work)
    started = time.time()
    rows: list[dict] = []
    today = date.today().isoformat()
    meta = {
        "date": today,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "code": str(args.code or ROOT)
        + (f"; before = {args.baseline_code}" if args.baseline_code else ""),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "model": MODEL,
        "repeats": args.repeats,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = today + (f"-{args.tag}" if args.tag else "")
    try:
        for n in sizes:
            rows.extend(run_size(runners, n, news, work, args))
            meta["wall time"] = f"{time.time() - started:.0f} s"
            # Written after every size, so a long run leaves results even if stopped.
            (args.out / f"{stem}.md").write_text(markdown(rows, meta), encoding="utf-8")
            (args.out / f"{stem}.json").write_text(
                json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
            plot(rows, args.out / ("latency.png" if not args.tag else f"latency-{args.tag}.png"))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {args.out / (stem + '.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
