"""The public API declared in rag/__init__.py."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

import rag


def test_all_is_declared_sorted_and_unique() -> None:
    assert rag.__all__
    assert len(set(rag.__all__)) == len(rag.__all__)
    assert list(rag.__all__) == sorted(rag.__all__)


@pytest.mark.parametrize("name", rag.__all__)
def test_every_public_name_imports(name: str) -> None:
    module = importlib.import_module("rag")
    value = getattr(module, name)
    assert value is not None
    namespace: dict[str, object] = {}
    exec(f"from rag import {name}", namespace)  # noqa: S102 - the import statement itself
    assert namespace[name] is value


def test_core_entry_points_are_exported() -> None:
    for name in (
        "Engine",
        "Settings",
        "ingest",
        "Hit",
        "Answer",
        "Citation",
        "Filters",
        "RagError",
    ):
        assert name in rag.__all__


def test_errors_share_the_base_class() -> None:
    errors = [
        getattr(rag, n)
        for n in rag.__all__
        if n.endswith(("Error", "NotFound", "Mismatch", "Unavailable", "Question", "Corrupted"))
    ]
    assert len(errors) >= 7
    for err in errors:
        assert issubclass(err, rag.RagError)
    assert issubclass(rag.RagError, Exception)


@pytest.mark.parametrize("cls", [rag.Hit, rag.Answer, rag.Citation])
def test_results_are_frozen_dataclasses(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    required = {
        f.name: "x"
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    instance = cls(**required)
    first = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, first, "changed")


def test_chroma_auth_headers() -> None:
    from rag.config import chroma_headers

    assert chroma_headers(rag.Settings(chroma_auth_token="")) == {}
    assert chroma_headers(rag.Settings(chroma_auth_token="s3")) == {"Authorization": "Bearer s3"}
    custom = rag.Settings(chroma_auth_token="s3", chroma_auth_header="X-Chroma-Token")
    assert chroma_headers(custom) == {"X-Chroma-Token": "s3"}
