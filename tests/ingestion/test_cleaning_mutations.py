"""Each rule's case in test_cleaning_rules fails without the rule (a mutation test).

Every rule in turn is made to match nothing, the modules that compile the tables are
reloaded, and its case must then come out differently: no other rule covers for it, so
the case is a test of that rule. Runs in a child process, since reloading modules would
leave this session's copies of them out of step.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rag.ingestion import line_rules, metadata_rules, prose_rules

TESTS = Path(__file__).resolve().parent

MUTATE = f"""
import dataclasses, importlib, sys
sys.path.insert(0, {str(TESTS)!r})
from rag.ingestion import line_rules, metadata_rules, prose_rules, rules
from rag.ingestion import boilerplate, cleaning, dates, metadata, prose, titles
import test_cleaning_rules

NEVER = r"(?!x)x"
MODULES = (line_rules, prose_rules, metadata_rules)
SAVED = {{m: dict(vars(m)) for m in MODULES}}


def without(value, name):
    if isinstance(value, rules.Rule):
        return dataclasses.replace(value, pattern=NEVER) if value.name == name else value
    if isinstance(value, tuple) and value and all(isinstance(r, rules.Rule) for r in value):
        return tuple(without(r, name) for r in value)
    if isinstance(value, dict) and value and all(isinstance(v, tuple) for v in value.values()):
        return {{k: without(v, name) for k, v in value.items()}}
    return value


def build(name):
    for module in MODULES:
        for attr, value in SAVED[module].items():
            setattr(module, attr, without(value, name))
    for module in (dates, prose, boilerplate, metadata, titles, cleaning):
        importlib.reload(module)
    return importlib.reload(test_cleaning_rules)


def result(tests, name):
    case = tests.CASES[name]
    try:
        return case.run(case.raw)
    except Exception as exc:  # a rule's capture group gone: also a different result
        return repr(exc)


tests = build(None)
assert [n for n in tests.CASES if result(tests, n) != tests.CASES[n].expected] == []
names = sorted(tests.CASES)
print(len(names))
for name in names:
    tests = build(name)
    if result(tests, name) == tests.CASES[name].expected:
        print("survives", name)
"""


def test_every_case_fails_without_its_rule() -> None:
    run = subprocess.run(
        [sys.executable, "-c", MUTATE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=TESTS.parent,
    )
    assert run.returncode == 0, run.stderr
    count, *survivors = run.stdout.split("\n")[:-1]
    tables = (line_rules.TABLES, prose_rules.TABLES, metadata_rules.TABLES)
    assert int(count) == sum(len(rules) for t in tables for rules in t.values())
    assert survivors == []
