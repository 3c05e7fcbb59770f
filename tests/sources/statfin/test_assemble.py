"""Assembling json-stat2 parts: refusals (the round trip through the client is in test_client.py)."""

from __future__ import annotations

import json

import pytest

from punos_lib.errors import InputError, ParseError
from punos_lib.sources.statfin import assemble


def test_assemble_refuses_parts_of_different_tables() -> None:
    a = {"version": "2.0", "class": "dataset", "id": ["x"], "size": [1],
         "dimension": {"x": {"category": {"index": {"a": 0}}}}, "value": [1]}
    b = {"version": "2.0", "class": "dataset", "id": ["y"], "size": [1],
         "dimension": {"y": {"category": {"index": {"a": 0}}}}, "value": [1]}
    with pytest.raises(ParseError, match="not from one selection"):
        assemble([a, b])
    with pytest.raises(ParseError, match="part 2: not valid JSON"):
        assemble([json.dumps(a).encode(), b"{\"version\": \"2.0\", \"val"])
    with pytest.raises(InputError):
        assemble([])
