"""Write evals/realnews/subset.json: the fixed crud-dev subset of the real-news CI gate, ids only.

The benchmark's texts stay in ../shared/benchmarks (its README forbids copying them into the
repository); the gate (evals/realnews/gate.py) reads them from there at run time. Re-running
this script on the same crud-dev split writes the same file:

    .venv/bin/python evals/realnews/make_subset.py [--crud ../shared/benchmarks/crud-dev]

Selection (deterministic, no randomness):

- answerable (60): audit verdict `valid` (= questions-answerable.jsonl). First every valid item
  that also has an English version in questions-en.jsonl (36 on this split), then the other
  valid items in id order until 60.
- not answerable (20): audit verdict `invalid`, only those whose audit note says the question's
  subject is named in no article (SUBJECT_ABSENT below: "... absent", "... never mentioned",
  "No ...", "Nothing about ...", "Nobody ..."; not the items where the gold answer is wrong or
  the article answers something else). Those with an English version first, then by id.
- English: the `-en` twin in questions-en.jsonl of every chosen id that has one.
- articles: the evidence of the answerable items (the articles that answer them) and the
  evidence of the not-answerable ones (articles that contain the gold string in an unrelated
  context: hard distractors), then distractors from the rest of the corpus until ARTICLES:
  the remaining ids in sorted order (ids are content hashes, so this is an arbitrary but
  fixed sample).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CRUD = ROOT.parent / "shared" / "benchmarks" / "crud-dev"
OUT = Path(__file__).resolve().parent / "subset.json"

ANSWERABLE = 60
NOT_ANSWERABLE = 20
ARTICLES = 300
SUBJECT_ABSENT = re.compile(r"\babsent\b|never mentioned|^No |^Nothing about|^Nobody")
NOT_ABSENT = re.compile(r"^Gold|^Article\b")  # wrong gold answer, or the article answers otherwise


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def require(crud: Path) -> None:
    """Exit with a message naming `crud` when the benchmark split is not there."""
    needed = ["corpus", "audit.jsonl", "questions.jsonl", "questions-answerable.jsonl"]
    needed += ["questions-en.jsonl"]
    missing = [n for n in needed if not (crud / n).exists()]
    if missing:
        raise SystemExit(
            f"no crud-dev benchmark split at {crud} (missing {', '.join(missing)}): "
            "pass --crud PATH (see ../shared/benchmarks/README.md)"
        )


def make_subset(crud: Path) -> dict:
    require(crud)
    audit = {a["id"]: a for a in read_jsonl(crud / "audit.jsonl")}
    questions = {q["id"]: q for q in read_jsonl(crud / "questions.jsonl")}
    answerable = {q["id"]: q for q in read_jsonl(crud / "questions-answerable.jsonl")}
    english = {q["id"].removesuffix("-en") for q in read_jsonl(crud / "questions-en.jsonl")}
    corpus = sorted(p.stem for p in (crud / "corpus").glob("*.txt"))

    valid = sorted(i for i, a in audit.items() if a["verdict"] == "valid")
    assert set(valid) == set(answerable), "questions-answerable.jsonl differs from the audit"
    chosen_ok = sorted(valid, key=lambda i: (i not in english, i))[:ANSWERABLE]

    absent = [
        i
        for i, a in audit.items()
        if a["verdict"] == "invalid"
        and SUBJECT_ABSENT.search(a["note"])
        and not NOT_ABSENT.search(a["note"])
    ]
    chosen_no = sorted(absent, key=lambda i: (i not in english, i))[:NOT_ANSWERABLE]
    if len(chosen_ok) < ANSWERABLE or len(chosen_no) < NOT_ANSWERABLE:
        raise SystemExit(f"{crud}: too few valid or subject-absent invalid items")

    evidence = sorted(
        {e for i in chosen_ok for e in answerable[i]["evidence"]}
        | {e for i in chosen_no for e in questions[i]["evidence"]}
    )
    absent_files = [e for e in evidence if e not in set(corpus)]
    if absent_files:
        raise SystemExit(f"{crud}/corpus lacks evidence articles {absent_files[:3]}")
    rest = [a for a in corpus if a not in set(evidence)]
    distractors = rest[: max(ARTICLES - len(evidence), 0)]

    return {
        "about": "crud-dev subset of the real-news CI gate: ids only, texts are read from the "
        "benchmark at run time. Written by evals/realnews/make_subset.py (see its docstring "
        "for the selection rule); do not edit by hand.",
        "counts": {
            "answerable": len(chosen_ok),
            "not_answerable": len(chosen_no),
            "answerable_en": sum(i in english for i in chosen_ok),
            "not_answerable_en": sum(i in english for i in chosen_no),
            "evidence_articles": len(evidence),
            "distractor_articles": len(distractors),
            "articles": len(evidence) + len(distractors),
        },
        "answerable": sorted(chosen_ok),
        "not_answerable": sorted(chosen_no),
        "answerable_en": sorted(f"{i}-en" for i in chosen_ok if i in english),
        "not_answerable_en": sorted(f"{i}-en" for i in chosen_no if i in english),
        "evidence_articles": evidence,
        "distractor_articles": distractors,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--crud", type=Path, default=DEFAULT_CRUD, help="the crud-dev split")
    ap.add_argument("--out", type=Path, default=OUT, help=f"default {OUT.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    subset = make_subset(args.crud)
    args.out.write_text(json.dumps(subset, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {json.dumps(subset['counts'])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
