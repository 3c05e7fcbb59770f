"""One JSON parser for the payloads: orjson when it is installed, the standard library otherwise.

orjson parses the large json-stat2 bodies several times faster than :mod:`json`. It is stricter
(no ``NaN``/``Infinity``, no integers beyond 64 bits, UTF-8 only), so whatever it refuses is parsed
again by :func:`json.loads`: the result and the error messages stay exactly those of the standard
library, and only valid, common JSON takes the fast path.
"""

from __future__ import annotations

import json
from typing import Any

try:  # an optional speed-up; everything works without it
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None

__all__ = ["FAST", "loads"]

#: True when orjson is installed and used.
FAST: bool = _orjson is not None


def loads(data: str | bytes | bytearray) -> Any:
    """Parse JSON text or bytes; the same result and errors as :func:`json.loads`.

    Raises
    ------
    json.JSONDecodeError
        Not valid JSON (from the standard library, with its line and column).
    UnicodeDecodeError
        Bytes that are not text in any encoding :func:`json.loads` detects.

    Examples
    --------
    >>> loads(b'{"value": [1, null, 2.5]}')
    {'value': [1, None, 2.5]}
    """
    if _orjson is not None:
        try:
            return _orjson.loads(data)
        except _orjson.JSONDecodeError:
            pass  # parsed again below: json reads NaN, big integers, UTF-16, or says exactly what is wrong
    return json.loads(data)
