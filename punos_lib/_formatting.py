"""Number formatting for the study's text, tables and figures (no matplotlib).

One copy of the Finnish number style, imported by the analysis steps (the findings' sentences)
and by :mod:`punos_lib.present` (figure labels, tick formatters, table cells). It lives below
both because ``analysis`` may not import ``present`` (which imports matplotlib).

>>> format_number(1234567.891, 1)
'1\u202f234\u202f567,9'
"""

from __future__ import annotations

import math

from punos_lib.errors import InputError

__all__ = ["NARROW_NBSP", "MINUS", "format_number"]

#: Thousands separator of Finnish numbers (SFS 4175): a narrow no-break space.
NARROW_NBSP = "\u202f"
#: The real minus sign of Finnish typography.
MINUS = "\u2212"


def format_number(value: float | int | None, decimals: int = 0, *, lang: str = "fi",
                  percent: bool = False) -> str:
    """Format a number for the study text and figures.

    Finnish (and Swedish) style: a narrow no-break space as the thousands separator, a decimal
    comma and a real minus sign (SFS 4175 / Kielitoimisto). English: ``1,234.5``.

    Parameters
    ----------
    value : float, int or None
        The number; NaN or None gives ``"–"`` (the dash used for missing values in tables).
    decimals : int
        Digits after the decimal separator.
    lang : {"fi", "sv", "en"}
        Language of the separators.
    percent : bool
        Append a percent sign (``12,5 %`` in Finnish; the value is not multiplied).

    Examples
    --------
    >>> format_number(-1234.5, 1)
    '\u22121\u202f234,5'
    >>> format_number(12.34, 1, percent=True)
    '12,3\u202f%'
    >>> format_number(1234.5, 1, lang="en")
    '1,234.5'
    >>> format_number(-0.04, 1)
    '0,0'
    """
    if lang not in ("fi", "sv", "en"):
        raise InputError(f"unknown language {lang!r} for number formatting; use 'fi', 'sv' or 'en'")
    if decimals < 0:
        raise InputError(f"decimals must be 0 or more, got {decimals}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(float(value)):,.{decimals}f}"
    negative = float(value) < 0 and float(text.replace(",", "")) != 0.0
    if lang == "en":
        out = ("-" if negative else "") + text
        return out + ("%" if percent else "")
    text = text.replace(",", NARROW_NBSP).replace(".", ",")
    out = (MINUS if negative else "") + text
    return out + (f"{NARROW_NBSP}%" if percent else "")
