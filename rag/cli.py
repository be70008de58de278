"""The `rag` command line: ingest, info, search, ask, chat, eval, serve."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import asdict

from rag.config import Settings
from rag.errors import RagError
from rag.types import Citation


def _settings(args: argparse.Namespace) -> Settings:
    return Settings()


def _configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("rag")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.ingestion.pipeline import ingest

    settings = _settings(args)
    report = ingest(
        args.paths or None,
        settings=settings,
        rebuild=args.rebuild,
        progress=sys.stderr.isatty() or args.progress,
    )
    for item in report.skipped:
        print(f"skipped {item.path}: {item.reason}", file=sys.stderr)
    print(report.summary())
    if report.fallback_model:
        print(f"embedding model: {report.embed_model} (offline fallback)")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from rag.ingestion.health import check_index, index_info

    settings = _settings(args)
    info = index_info(settings)
    if args.json:
        print(json.dumps(asdict(info), ensure_ascii=False))
    else:
        print(f"index:       {info.index_dir}")
        print(f"articles:    {info.articles}")
        print(f"chunks:      {info.chunks}")
        fb = (
            " (offline fallback: weak on Chinese; see README 'Offline models')"
            if info.fallback_model
            else ""
        )
        print(f"embedding:   {info.embed_model}{fb}")
        print(f"backend:     {info.backend}")
        if info.vectors_complete:
            print(f"vectors:     {info.vectors} of {info.chunks} chunks (complete)")
        else:
            print(
                f"vectors:     {info.vectors} of {info.chunks} chunks "
                f"({info.dense_share:.0%}; search uses BM25 and the vectors so far): "
                "run `rag ingest` to finish"
            )
        print(f"chunking:    {info.chunk_size} tokens, {info.chunk_overlap} overlap")
        if not info.article_ranking:
            print(
                "ranking:     passages only (index built before the article channel): "
                "run `rag ingest --rebuild` to add it"
            )
        print(f"built:       {info.built_at}")
        llm = settings.llm_base_url or "off (offline extractive answers)"
        print(f"llm:         {llm}")
        for p in info.problems:
            print(f"problem:     {p}")
    if args.check:
        problems = check_index(settings)
        for p in problems:
            print(f"check: {p}")
        if problems:
            return 1
        print("check: index consistent with the corpus (Chroma, BM25 and manifest agree)")
    return 1 if info.problems else 0


def _check_question(text: str, settings: Settings) -> None:
    """Reject a bad question before the (slow) model load."""
    from rag.retrieve.query import clean_question

    clean_question(text, max_chars=settings.max_question_chars)


def cmd_search(args: argparse.Namespace) -> int:
    from rag.engine import Engine
    from rag.retrieve.query import check_k

    settings = _settings(args)
    _check_question(args.query, settings)
    check_k(args.k)
    engine = Engine.open(settings=settings)
    filters = {
        "article_ids": args.article or (),
        "since": args.since,
        "until": args.until,
        "source": args.source,
    }
    hits = engine.search(args.query, k=args.k, filters=filters)
    if args.json:
        for h in hits:
            print(json.dumps(asdict(h), ensure_ascii=False))
        return 0
    if not hits:
        print("no matching passages")
    for i, h in enumerate(hits, 1):
        snippet = h.text.replace("\n", " ")
        snippet = snippet[:120] + ("…" if len(snippet) > 120 else "")
        print(
            f"{i}. [{h.score:.4f}] {h.title or h.article_id} ({h.date or 'no date'}) {h.article_id}"
        )
        print(f"   {snippet}")
    return 0


def _print_answer(answer, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        print(json.dumps(asdict(answer), ensure_ascii=False))
        return
    if answer.notice:
        print(f"note: {answer.notice}", file=sys.stderr)
    print(answer.text)
    if answer.citations:
        print()
        for c in answer.citations:
            print(f"[{c.n}] {c.title or c.article_id} ({c.date or 'no date'}) {c.article_id}")
            print(f"    “{c.quote}”")
    if answer.unsupported:
        print("\nnot supported by the cited passages:")
        for s in answer.unsupported:
            print(f"  - {s}")


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.engine import Engine
    from rag.retrieve.query import check_k

    settings = _settings(args)
    _check_question(args.question, settings)
    if args.k is not None:
        check_k(args.k)
    engine = Engine.open(settings=settings)
    answer = engine.ask(args.question, k=args.k, mode=args.mode)
    _print_answer(answer, args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from rag.engine import Engine

    engine = Engine.open(settings=_settings(args))
    if hasattr(sys.stdin, "reconfigure"):  # a terminal in another encoding must not crash us
        sys.stdin.reconfigure(errors="replace")
    history: list[dict[str, str]] = []
    last = None
    print("Ask about the articles. Commands: /sources, /reset, /quit")
    while True:
        try:
            line = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line:
            continue
        if "\ufffd" in line:
            print(
                "error: that line is not valid UTF-8 text: set the terminal to UTF-8 "
                "(e.g. LANG=C.UTF-8) and ask again"
            )
            continue
        if line == "/quit":
            return 0
        if line == "/reset":
            history, last = [], None
            print("(conversation cleared)")
            continue
        if line == "/sources":
            if last is None or not last.citations:
                print("(no sources yet)")
            cited: list[Citation] = list(last.citations) if last is not None else []
            for c in cited:
                print(f"[{c.n}] {c.title or c.article_id} ({c.date or 'no date'}): “{c.quote}”")
            continue
        try:
            last = engine.ask(line, history=history)
        except RagError as exc:
            print(f"error: {exc}")
            continue
        print(last.text)
        history += [{"role": "user", "content": line}, {"role": "assistant", "content": last.text}]


def cmd_eval(args: argparse.Namespace) -> int:
    from rag.evaluate.run import run_cli

    return run_cli(args, _settings(args))


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.server import serve

    serve(_settings(args), host=args.host, port=args.port, share=args.share)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="rag",
        description="Question answering over Chinese news articles, with cited sources. "
        "Configuration comes from RAG_* environment variables or .env (see README).",
    )
    p.add_argument(
        "--log-level",
        default=None,
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="logging level (default WARNING, or RAG_LOG_LEVEL)",
    )
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser(
        "ingest",
        help="index the corpus (incremental and resumable: BM25 first, then vectors; "
        "--rebuild starts over beside the live index)",
    )
    s.add_argument("paths", nargs="*", help="files or folders (default: RAG_CORPUS_DIR)")
    s.add_argument(
        "--rebuild",
        action="store_true",
        help="build a new index beside the live one (which keeps answering) and switch to it "
        "when complete; run again to resume an interrupted rebuild",
    )
    s.add_argument("--progress", action="store_true", help="show a progress bar even when piped")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("info", help="what the index holds, and what is missing")
    s.add_argument(
        "--check", action="store_true", help="verify Chroma, BM25, manifest and corpus agree"
    )
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("search", help="ranked passages for a query")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=5, help="number of hits (default 5)")
    s.add_argument("--article", action="append", help="only this article id (repeatable)")
    s.add_argument("--since", help="only articles dated on or after YYYY-MM-DD")
    s.add_argument("--until", help="only articles dated on or before YYYY-MM-DD")
    s.add_argument("--source", help="only articles from this source outlet")
    s.add_argument("--json", action="store_true", help="one JSON object per hit per line")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("ask", help="answer a question with cited sources")
    s.add_argument("question")
    s.add_argument("-k", type=int, default=None, help="passages to read (default RAG_TOP_K)")
    s.add_argument(
        "--mode",
        choices=["extractive", "llm"],
        default=None,
        help="answerer (default: llm when RAG_LLM_BASE_URL is set, else extractive)",
    )
    s.add_argument("--json", action="store_true", help="print the answer as JSON")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="a conversation in the terminal (/sources, /reset, /quit)")
    s.set_defaults(func=cmd_chat)

    s = sub.add_parser("eval", help="score retrieval and answers on a question file")
    s.add_argument("--questions", default="evals/questions.jsonl", help="question file (JSONL)")
    s.add_argument("--k", type=int, default=5, help="retrieval depth scored (default 5)")
    s.add_argument("--json", dest="json_out", help="write full results as JSON to this file")
    s.add_argument("--report", help="write a Markdown report and PNG chart to this folder")
    s.add_argument(
        "--baseline",
        action="store_true",
        help="also score the plain llama-index pipeline on the same questions",
    )
    s.add_argument(
        "--thresholds",
        default=None,
        help="JSON of metric floors (e.g. evals/thresholds.json); exit 1 when one is missed",
    )
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("serve", help="start the web chat app and the HTTP API")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    s.add_argument("--share", action="store_true", help="ask Gradio for a public share link")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError: a bad RAG_* value
        print(f"error: invalid configuration: {exc}", file=sys.stderr)
        return 2
    _configure_logging(args.log_level or settings.log_level)
    try:
        return int(args.func(args))
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`rag ask ... | head -1`): no traceback, and none from the
        # interpreter flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
