"""Tests of punos_lib._formatting: the one Finnish number style, importable without matplotlib."""

from __future__ import annotations

import subprocess
import sys

import pytest

from punos_lib._formatting import format_number
from punos_lib.errors import InputError

NNBSP = "\u202f"


@pytest.mark.parametrize(
    "value, decimals, kwargs, expected",
    [
        (1234567.891, 1, {}, f"1{NNBSP}234{NNBSP}567,9"),
        (999.5, 0, {}, f"1{NNBSP}000"),
        (-1234.5, 1, {}, f"\u22121{NNBSP}234,5"),
        (-0.04, 1, {}, "0,0"),  # rounds to zero: no minus sign
        (12.34, 1, {"percent": True}, f"12,3{NNBSP}%"),
        (1234.5, 1, {"lang": "en"}, "1,234.5"),
        (float("nan"), 1, {}, "–"),
        (None, 0, {}, "–"),
        (7, 0, {}, "7"),
    ],
)
def test_format_number(value, decimals, kwargs, expected):
    assert format_number(value, decimals, **kwargs) == expected


def test_format_number_rejects_unknown_language():
    with pytest.raises(InputError, match="'de'"):
        format_number(1.0, lang="de")


def test_one_copy_shared_by_analysis_and_present() -> None:
    from punos_lib.analysis import findings
    from punos_lib.present import figures

    assert figures.format_number is format_number is findings.format_number


def test_analysis_findings_need_no_matplotlib() -> None:
    # analysis may not import present (matplotlib); the findings' numbers come from _formatting.
    code = ("import sys; import punos_lib.analysis.findings, punos_lib._formatting; "
            "print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
