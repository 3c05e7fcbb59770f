"""Cell values and status symbols of the tidy shape shared by the JSON-stat, PX and PX-JSON readers."""

import numpy as np
import pytest

from punos_lib.errors import ParseError
from punos_lib.sources._tidy import status_categorical, to_values


@pytest.mark.parametrize(("raw", "dtype", "expected"), [
    ([1, None, 2.5], np.float64, [1.0, None, 2.5]),
    ([None, None], np.float64, [None, None]),
    ([3, 4], np.float64, [3.0, 4.0]),
    # Text stays text, also when it looks like a number: a float conversion would make "1.5" 1.5.
    (["1.5", 2], object, ["1.5", 2]),
    (["A1", None], object, ["A1", None]),
])
def test_to_values_keeps_numbers_numbers_and_text_text(raw, dtype, expected):
    got = to_values(raw, where="test")
    assert got.dtype == dtype
    assert [None if (isinstance(v, float) and np.isnan(v)) else v for v in got.tolist()] == expected


@pytest.mark.parametrize("raw", [[[1], [2]], [[1], [2, 3]], [{"a": 1}, 2]])
def test_to_values_refuses_nested_cells(raw):
    with pytest.raises(ParseError, match="test"):
        to_values(raw, where="test")


def test_sparse_status_positions():
    col = status_categorical(["..", "."], 4, np.array([3, 0]))
    assert [v if isinstance(v, str) else None for v in col.tolist()] == [".", None, None, ".."]
    assert list(col.categories) == [".", ".."]
