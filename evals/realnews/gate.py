"""The real-news part of the CI eval gate: `rag eval` on a fixed crud-dev subset vs floors.

The subset (evals/realnews/subset.json, ids only; see make_subset.py) is materialised from the
benchmark at run time: its ~300 article files are copied into WORK/corpus and ingested into
WORK/index with `rag ingest`, and its questions are written to four files in the eval format
(same fields as the benchmark's jsonl; the not-answerable items get `answerable: false` and
empty `answers` / `evidence`, as rag.evaluate.questions requires):

    zh-answerable      the 60 valid Chinese items (evidence = the articles that answer them)
    en-answerable      their English twins
    zh-not-answerable  the 20 invalid items whose subject no article names
    en-not-answerable  their English twins

Each file is scored by `rag eval --questions F --json OUT --thresholds T`, T holding that part's
floors from evals/realnews/thresholds.json: rag's own threshold check decides, this script only
collects the messages. On a not-answerable file refusal_accuracy is the share declined; on an
answerable one it is 1 - the share falsely declined.

    .venv/bin/python evals/realnews/gate.py                  # check (exit 1 below a floor)
    .venv/bin/python evals/realnews/gate.py --update-floors  # re-measure, rewrite the floors

`--update-floors` writes thresholds.json (each floor = the measured figure minus MARGIN or
one question's worth of its part, whichever is more, rounded down to 2 decimals, never below 0) and measured.json (the figures themselves).
The run's RAG_* variables are dropped (and the commands run outside the checkout, so no .env
is read): the gate measures the product's defaults.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_CRUD = ROOT.parent / "shared" / "benchmarks" / "crud-dev"
SUBSET = HERE / "subset.json"
THRESHOLDS = HERE / "thresholds.json"
MEASURED = HERE / "measured.json"
MARGIN = 0.01

ANSWERABLE_METRICS = (
    "hit@1",
    "hit@5",
    "context_recall",
    "answer_recall",
    "citation_precision",
    "refusal_accuracy",
)
# part -> (benchmark file the questions are read from, subset key, answerable)
PARTS = {
    "zh-answerable": ("questions-answerable.jsonl", "answerable", True),
    "en-answerable": ("questions-en-answerable.jsonl", "answerable_en", True),
    "zh-not-answerable": ("questions.jsonl", "not_answerable", False),
    "en-not-answerable": ("questions-en.jsonl", "not_answerable_en", False),
}


class GateError(Exception):
    """The gate could not run (benchmark absent, a command failed); the message says why."""


@dataclass
class GateResult:
    measured: dict[str, dict[str, float | None]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # "part: <rag's threshold message>"
    seconds: dict[str, float] = field(default_factory=dict)


def crud_dir(path: str | Path | None = None) -> Path:
    """The crud-dev split: `path`, else $CRUD_DEV, else ../shared/benchmarks/crud-dev."""
    return Path(path or os.environ.get("CRUD_DEV") or DEFAULT_CRUD)


def check_benchmark(crud: Path) -> None:
    needed = ["corpus", *sorted({f for f, _, _ in PARTS.values()})]
    missing = [n for n in needed if not (crud / n).exists()]
    if missing:
        raise GateError(
            f"the real-news gate needs the crud-dev benchmark split at {crud}, which lacks "
            f"{', '.join(missing)}: set CRUD_DEV=/path/to/crud-dev or pass "
            "--crud (see ../shared/benchmarks/README.md)"
        )


def load_subset(path: Path = SUBSET) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_corpus(crud: Path, subset: dict, dest: Path) -> int:
    """Copy the subset's article files into `dest`; returns how many."""
    dest.mkdir(parents=True, exist_ok=True)
    ids = subset["evidence_articles"] + subset["distractor_articles"]
    for article in ids:
        src = crud / "corpus" / f"{article}.txt"
        if not src.exists():
            raise GateError(f"{src} is missing: is {crud} the crud-dev split of subset.json?")
        shutil.copyfile(src, dest / src.name)
    return len(ids)


def write_questions(crud: Path, subset: dict, dest: Path) -> dict[str, Path]:
    """The four question files of the subset, in the eval format; part -> path."""
    dest.mkdir(parents=True, exist_ok=True)
    out = {}
    for part, (source, key, answerable) in PARTS.items():
        rows = {}
        for line in (crud / source).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row["id"]] = row
        lines = []
        for qid in subset[key]:
            if qid not in rows:
                raise GateError(f"{crud / source} has no question {qid!r} (subset.json: {key})")
            row = dict(rows[qid])
            if not answerable:
                row.update(answers=[], evidence=[], answerable=False)
            lines.append(json.dumps(row, ensure_ascii=False))
        out[part] = dest / f"{part}.jsonl"
        out[part].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(RAG_CORPUS_DIR=str(work / "corpus"), RAG_INDEX_DIR=str(work / "index"))
    return env


def _rag(args: list[str], work: Path, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "rag.cli", *args]
    proc = subprocess.run(cmd, cwd=work, env=_env(work), capture_output=True, text=True)
    if proc.returncode not in ok:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        raise GateError(f"`rag {' '.join(args)}` exited {proc.returncode}:\n" + "\n".join(tail))
    return proc


def run_gate(
    crud: Path,
    work: Path,
    thresholds: dict[str, dict[str, float]] | None,
    *,
    subset: dict | None = None,
) -> GateResult:
    """Build the subset's corpus and index under `work`, then `rag eval` each part.

    `thresholds`: part -> metric -> floor, checked by `rag eval --thresholds`; None only measures.
    """
    check_benchmark(crud)
    subset = subset if subset is not None else load_subset()
    work.mkdir(parents=True, exist_ok=True)
    result = GateResult()
    t0 = time.perf_counter()
    write_corpus(crud, subset, work / "corpus")
    files = write_questions(crud, subset, work / "questions")
    _rag(["ingest"], work)
    result.seconds["ingest"] = time.perf_counter() - t0
    for part, questions in files.items():
        t0 = time.perf_counter()
        out = work / "results" / f"{part}.json"
        args = ["eval", "--questions", str(questions), "--json", str(out)]
        floors = (thresholds or {}).get(part)
        if floors:
            floors_file = work / "questions" / f"{part}.thresholds.json"
            floors_file.write_text(json.dumps(floors, indent=1), encoding="utf-8")
            args += ["--thresholds", str(floors_file)]
        _rag(args, work, ok=(0, 1))  # 1: a floor was missed (reported in the JSON)
        data = json.loads(out.read_text(encoding="utf-8"))
        overall = data["results"][0]["overall"]["metrics"]
        keys = ANSWERABLE_METRICS if PARTS[part][2] else ("refusal_accuracy",)
        result.measured[part] = {k: overall[k] for k in keys}
        checked = data.get("thresholds") or {}
        result.failures += [f"{part}: {msg}" for msg in checked.get("failures") or []]
        result.seconds[part] = time.perf_counter() - t0
    return result


def load_floors(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = sorted(set(data) - set(PARTS))
    if unknown:
        raise GateError(f"{path}: unknown part(s) {unknown}; parts: {', '.join(PARTS)}")
    return data


def floors_from(
    measured: dict[str, dict[str, float | None]],
    sizes: dict[str, int] | None = None,
    margin: float = MARGIN,
) -> dict:
    """Each measured figure minus a margin, rounded down to 2 decimals, at least 0. The
    margin is `margin`, or one question's worth of a part of `sizes[part]` questions if
    that is more: a dense near-tie can swap one question's top articles between two builds
    of the same index (seen: en-answerable hit@5 0.889 / 0.861 in two runs)."""
    sizes = sizes or {}
    out = {}
    for part, figures in measured.items():
        m = max(margin, 1 / sizes[part]) if sizes.get(part) else margin
        out[part] = {
            k: max(0.0, math.floor(round((v - m) * 100, 6)) / 100)
            for k, v in figures.items()
            if v is not None
        }
    return out


def part_sizes() -> dict[str, int]:
    """Questions per part, from the subset file."""
    counts = json.loads(SUBSET.read_text(encoding="utf-8"))["counts"]
    return {part: int(counts[key]) for part, (_, key, _) in PARTS.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--crud", help="the crud-dev split (default $CRUD_DEV or ../shared/...)")
    ap.add_argument("--work", type=Path, help="build corpus and index here (default: a temp dir)")
    ap.add_argument("--thresholds", type=Path, default=THRESHOLDS, help="floors to check")
    ap.add_argument(
        "--update-floors",
        action="store_true",
        help=f"measure, then rewrite {THRESHOLDS.name} (figure - margin) and {MEASURED.name}",
    )
    args = ap.parse_args(argv)
    crud = crud_dir(args.crud)
    work = args.work or Path(tempfile.mkdtemp(prefix="rag-realnews-"))
    start = time.perf_counter()
    try:
        floors = None if args.update_floors else load_floors(args.thresholds)
        result = run_gate(crud, work, floors)
    except GateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result.measured, indent=1))
    timing = ", ".join(f"{k} {v:.0f}s" for k, v in result.seconds.items())
    print(f"wall time {time.perf_counter() - start:.0f}s ({timing})")
    if args.update_floors:
        MEASURED.write_text(json.dumps(result.measured, indent=1) + "\n", encoding="utf-8")
        THRESHOLDS.write_text(
            json.dumps(floors_from(result.measured, part_sizes()), indent=1) + "\n",
            encoding="utf-8",
        )
        print(f"wrote {MEASURED} and {THRESHOLDS}")
        return 0
    if result.failures:
        print("below the real-news floors:\n  " + "\n  ".join(result.failures))
        return 1
    print(f"every real-news figure meets its floor in {args.thresholds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
