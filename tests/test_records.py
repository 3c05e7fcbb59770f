"""Tests of punos_lib.records: the validation helpers of the curated records."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from punos_lib import records
from punos_lib.errors import InputError, ValidationError


def test_read_yaml_uses_libyaml_safe_loader_when_available(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: [1, 2]\nb: {c: text}\n", encoding="utf-8")
    assert records.read_yaml(path) == {"a": [1, 2], "b": {"c": "text"}}
    if getattr(yaml, "__with_libyaml__", False):
        assert records._SAFE_LOADER is yaml.CSafeLoader
    assert issubclass(records._SAFE_LOADER, yaml.constructor.SafeConstructor)


def test_read_yaml_builds_no_python_objects(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("a: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid YAML"):
        records.read_yaml(path)


def test_read_yaml_missing_file_wording(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="file not found"):
        records.read_yaml(tmp_path / "absent.yaml")


def test_problems_name_entries_by_unit_and_label() -> None:
    problems = records.Problems("d.yaml", unit="entry")
    problems.label(10, "population")
    problems.add("required field is missing; add it", row=10, field="selection")
    problems.add("other", row=11, field="x")
    with pytest.raises(ValidationError) as info:
        problems.raise_if_any("dataset declaration")
    assert str(info.value).startswith("file d.yaml, entry 10 (population), field 'selection'")
    assert info.value.problems == ["d.yaml, entry 10 (population), field 'selection': required field is "
                                   "missing; add it", "d.yaml, entry 11, field 'x': other"]


def test_require_columns_names_missing_columns_and_the_hint() -> None:
    frame = pd.DataFrame({"a": [1]})
    records.require_columns(frame, ["a"], "f")
    with pytest.raises(InputError, match=r"f: the frame lacks columns \['b'\].*load_registry"):
        records.require_columns(frame, ["a", "b"], "f", hint="pass the frames from load_registry()")
    with pytest.raises(InputError, match="expected a pandas DataFrame, got list"):
        records.require_columns([1], ["a"], "f")
