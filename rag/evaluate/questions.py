"""Gold question files: the format of evals/README.md, loaded and checked line by line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import RagError
from rag.evaluate import metrics as m

VALID_LANGS = ("zh-Hans", "zh-Hant", "en")
FIELDS = ("id", "question", "answers", "evidence", "answerable", "history", "type", "lang")


@dataclass(frozen=True)
class Question:
    """One gold question (see evals/README.md for the file format)."""

    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    type: str
    lang: str
    answerable: bool = True
    history: tuple[tuple[str, str], ...] = ()  # (role, content), oldest first
    line: int = 0

    def history_messages(self) -> list[dict[str, str]]:
        """The history in the form `Engine.ask` takes."""
        return [{"role": r, "content": c} for r, c in self.history]


class _Bad(Exception):
    """A malformed question line; the message is the reason."""


def _show(value: Any) -> str:
    """A JSON value as the file spells it, for error messages."""
    return json.dumps(value, ensure_ascii=False)


def _strings(obj: dict[str, Any], key: str) -> tuple[str, ...]:
    value = obj[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(f"'{key}' must be a list of strings, got {_show(value)}")
    for i, v in enumerate(value):
        if not m.match_norm(v):
            raise _Bad(f"'{key}[{i}]' is empty")
    return tuple(value)


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"'{key}' must be a non-empty string, got {_show(value)}")
    return value


def _history(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        raise _Bad(f"'history' must be a list of turns, got {_show(value)}")
    turns = []
    for i, turn in enumerate(value):
        if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
            raise _Bad(f"'history[{i}]' must be an object with exactly 'role' and 'content'")
        if turn["role"] not in ("user", "assistant"):
            raise _Bad(f"'history[{i}].role' must be 'user' or 'assistant', got {turn['role']!r}")
        if not isinstance(turn["content"], str) or not turn["content"].strip():
            raise _Bad(f"'history[{i}].content' must be a non-empty string")
        turns.append((turn["role"], turn["content"]))
    return tuple(turns)


def _parse_line(line: str, number: int) -> Question:
    if not line.strip():
        raise _Bad("blank line (the format is one JSON object per line, with no blank lines)")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Bad(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise _Bad(f"expected a JSON object, got a JSON {type(obj).__name__}")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise _Bad(f"unknown field(s) {', '.join(unknown)}; valid fields: {', '.join(FIELDS)}")
    missing = [k for k in ("id", "question", "answers", "evidence", "type", "lang") if k not in obj]
    if missing:
        raise _Bad(f"missing field(s) {', '.join(missing)}")
    answerable = obj.get("answerable", True)
    if not isinstance(answerable, bool):
        raise _Bad(f"'answerable' must be true or false, got {json.dumps(answerable)}")
    answers, evidence = _strings(obj, "answers"), _strings(obj, "evidence")
    if answerable and not answers:
        raise _Bad("an answerable question needs at least one phrase in 'answers'")
    if answerable and not evidence:
        raise _Bad("an answerable question needs at least one article id in 'evidence'")
    if not answerable and (answers or evidence):
        raise _Bad("'answers' and 'evidence' must be empty when 'answerable' is false")
    if obj["lang"] not in VALID_LANGS:
        raise _Bad(f"'lang' must be one of {', '.join(VALID_LANGS)}, got {_show(obj['lang'])}")
    return Question(
        id=_text(obj, "id"),
        question=_text(obj, "question"),
        answers=answers,
        evidence=evidence,
        type=_text(obj, "type"),
        lang=obj["lang"],
        answerable=answerable,
        history=_history(obj["history"]) if "history" in obj else (),
        line=number,
    )


def load_questions(path: str | Path) -> list[Question]:
    """Read and check a JSON Lines question file.

    Raises:
        RagError: the file is missing, not UTF-8, empty, or has malformed lines; the
            message lists each bad line as "FILE, line N: reason".

    Example:
        >>> qs = load_questions("evals/questions.jsonl")
        >>> qs[0].id, qs[0].answers
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RagError(f"question file {path} not found: pass --questions FILE") from None
    except OSError as exc:
        raise RagError(f"cannot read question file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[: exc.start].count(b"\n") + 1
        raise RagError(f"{path}, line {bad}: not UTF-8 text; save the file as UTF-8") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start a new one
    questions: list[Question] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        try:
            q = _parse_line(line.rstrip("\r"), number)
        except _Bad as exc:
            errors.append(f"{path}, line {number}: {exc}")
            continue
        if q.id in first_line:
            errors.append(
                f"{path}, line {number}: duplicate id {q.id!r} (first used on line {first_line[q.id]})"
            )
            continue
        first_line[q.id] = number
        questions.append(q)
    if errors:
        shown = errors[:20] + ([f"... and {len(errors) - 20} more"] if len(errors) > 20 else [])
        head = "" if len(errors) == 1 else f"{len(errors)} malformed lines in {path}:\n"
        raise RagError(head + "\n".join(shown))
    if not questions:
        raise RagError(f"question file {path} holds no questions")
    return questions
