"""The data files in `data/` are what extract_reference.py makes of the reference today."""

from __future__ import annotations

import pytest

from tests.contract import extract_reference
from tests.contract.examples import DATA


def test_data_files_match_the_reference() -> None:
    reference = extract_reference.DEFAULT_REFERENCE
    if not (reference / "gomus-api-doc").is_dir():
        pytest.skip(f"no reference at {reference}: the data files are used as committed")
    for name, content in extract_reference.extract(reference).items():
        committed = (DATA / name).read_text("utf-8")
        assert committed == extract_reference.render(content), (
            f"{name} is out of date: run `python -m tests.contract.extract_reference`"
        )


def test_data_files_hold_no_host_names() -> None:
    # Paths only: the reference's example hosts must not end up in the repository.
    for path in DATA.glob("*.json"):
        text = path.read_text("utf-8")
        assert "://" not in text, path
        assert ".de/" not in text, path
