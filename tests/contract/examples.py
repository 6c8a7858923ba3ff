"""The reference's examples as the contract tests use them: read from `data/`, never from
`../shared`, so a clone without the specification runs every contract test.

`python -m tests.contract.extract_reference` writes the data files; test_reference_data.py
checks that they match the reference when it is present.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@cache
def curl_examples() -> list[dict[str, Any]]:
    examples: list[dict[str, Any]] = json.loads((DATA / "curl_examples.json").read_text("utf-8"))
    return examples


@cache
def endpoint_table_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((DATA / "endpoint_tables.json").read_text("utf-8"))
    return rows


@cache
def _json_examples() -> dict[str, list[dict[str, Any]]]:
    examples: dict[str, list[dict[str, Any]]] = json.loads(
        (DATA / "json_examples.json").read_text("utf-8")
    )
    return examples


def curl_example(example_id: str) -> dict[str, Any]:
    [example] = [e for e in curl_examples() if e["id"] == example_id]
    return example


def reference_example(source: str, index: int) -> Any:
    """The key structure of the index-th JSON example of a reference page.

    `source` is the page's path inside the reference ("gomus-api-doc/tickets.md"); a bare name
    means a page of gomus-api-doc.
    """
    if "/" not in source:
        source = f"gomus-api-doc/{source}"
    return _json_examples()[source][index]["shape"]


def shape_problems(reference: Any, ours: Any, path: str = "$") -> list[str]:
    """Where `ours` lacks a key of `reference` or holds a value of another type."""
    if reference is None:
        return []
    if isinstance(reference, dict):
        if not isinstance(ours, dict):
            return [f"{path}: expected an object, got {ours!r}"]
        problems = [f"{path}.{key}: missing" for key in reference if key not in ours]
        for key, value in reference.items():
            if key in ours:
                problems += shape_problems(value, ours[key], f"{path}.{key}")
        return problems
    if isinstance(reference, list):
        if not isinstance(ours, list):
            return [f"{path}: expected a list, got {ours!r}"]
        if reference and ours:
            return shape_problems(reference[0], ours[0], f"{path}[0]")
        return []
    if ours is None:
        return []  # nullable in practice (e.g. a permanent exhibition, a picture-less museum)
    expected: tuple[type, ...] = (
        (bool,)
        if isinstance(reference, bool)
        else (int, float)
        if isinstance(reference, int | float)
        else (type(reference),)
    )
    if isinstance(ours, bool) and bool not in expected:
        return [f"{path}: expected {expected}, got a boolean"]
    return [] if isinstance(ours, expected) else [f"{path}: expected {expected}, got {ours!r}"]


DATA_KEY = re.compile(r"^(\d+|\d{4}-\d\d-\d\d.*)$")


def fold(value: Any) -> Any:
    """Maps keyed by quota ids or entry times hold data, not field names: fold such keys."""
    if isinstance(value, dict):
        if value and all(DATA_KEY.match(str(key)) for key in value):
            return {"*": fold(next(iter(value.values())))}
        return {key: fold(item) for key, item in value.items()}
    if isinstance(value, list):
        return [fold(item) for item in value]
    return value
