"""Refusal trade-off: how often the answerer declines not-answerable questions against how
often it declines answerable ones, over a grid of the abstention settings.

Questions are labelled by an audit file (`verdict`: valid = answerable, invalid = not
answerable; others are left out), as in ../shared/benchmarks/crud-dev.

    RAG_INDEX_DIR=/tmp/crud-idx python evals/refusal_curve.py \\
        ../shared/benchmarks/crud-dev/questions.jsonl ../shared/benchmarks/crud-dev/questions-en.jsonl \\
        --audit ../shared/benchmarks/crud-dev/audit.jsonl --out evals/refusal/refusal-curve.md
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import rag
from rag.evaluate.questions import load_questions

NAME_SHARES = (0.0, 0.005, 0.01, 0.02, 0.05)
PASSAGE_THRESHOLDS = (0.2, 0.3, 0.4)


def audit_verdicts(path: Path) -> dict[str, str]:
    verdicts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            verdicts[item["id"]] = item["verdict"]
    return verdicts


def base_id(qid: str) -> str:
    """The audited id of a question (the English copies end in -en)."""
    return qid[: -len("-en")] if qid.endswith("-en") else qid


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="+", type=Path, help="question files (jsonl)")
    ap.add_argument("--audit", type=Path, required=True, help="audit.jsonl with verdicts")
    ap.add_argument("--out", type=Path, help="write the table as Markdown here too")
    args = ap.parse_args(argv)
    for path in (*args.questions, args.audit):
        if not path.exists():
            print(f"no file at {path}", file=sys.stderr)
            return 2
    verdicts = audit_verdicts(args.audit)
    labelled = []
    for path in args.questions:
        for q in load_questions(path):
            verdict = verdicts.get(base_id(q.id))
            if verdict in ("valid", "invalid"):
                labelled.append((q, verdict == "valid"))
    base = rag.Settings()
    lines = [
        f"index {base.index_dir}; {len(labelled)} audited questions "
        f"({sum(a for _, a in labelled)} answerable)",
        "",
        "| lang | name share | passage threshold | declined not-answerable | "
        "false refusals (answerable) |",
        "|---|---|---|---|---|",
    ]
    for share, threshold in itertools.product(NAME_SHARES, PASSAGE_THRESHOLDS):
        settings = base.model_copy(
            update={"abstain_name_share": share, "abstain_threshold": threshold}
        )
        engine = rag.Engine.open(settings=settings)
        for english in (False, True):
            group = [(q, a) for q, a in labelled if q.lang.startswith("en") == english]
            if not group:
                continue
            declined = {True: 0, False: 0}
            for q, answerable in group:
                declined[answerable] += engine.ask(q.question).abstained
            n_ans = sum(a for _, a in group)
            n_not = len(group) - n_ans
            lines.append(
                f"| {'en' if english else 'zh'} | {share} | {threshold} | "
                f"{declined[False]}/{n_not} ({declined[False] / max(n_not, 1):.0%}) | "
                f"{declined[True]}/{n_ans} ({declined[True] / max(n_ans, 1):.0%}) |"
            )
        print(lines[-2], lines[-1], sep="\n", flush=True)
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
