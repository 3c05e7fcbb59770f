"""Tables for display in the study: Finnish headings and rounding of the analysis frames.

:func:`for_display` turns a frame of :mod:`punos_lib.analysis` into the table a reader sees:
known column names (``jobs``, ``change_pct`` …) become Finnish headings (:data:`HEADINGS`, or
:data:`LABOUR_HEADINGS` for chapters 4–6), plain code values get their Finnish words, and floats
are rounded. Pivot columns named ``"<measure>: <level>"`` (``"uudet_opiskelijat: amk"``) get
flattened Finnish headings ("Uudet opiskelijat, ammattikorkeakoulu"). The shown table records in
``attrs["headings"]`` (analysis column → heading) and ``attrs["decimals"]`` (heading → digits)
what it did, so that the study prints every column with its digits and the CSV/XLSX download of
the analysis frame (``data=`` of :meth:`punos_lib.study.Study.show`) gets the same headings and
rounding (:func:`download_frame`).

:func:`column_widths` estimates how wide each column of a printed table must be (text columns
wider, no word broken), for the PDF.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.errors import InputError

__all__ = ["HEADINGS", "LABOUR_HEADINGS", "VALUE_WORDS", "breakable", "column_widths", "download_frame",
           "for_display", "heading", "shown_decimals"]


#: Finnish headings of the analysis frames' columns, used by :func:`for_display`.
HEADINGS: dict[str, str] = {
    "area": "Aluekoodi",
    "area_name": "Alue",
    "year": "Vuosi",
    "age_group": "Ikäryhmä",
    "population": "Väestö",
    "subregion": "Seutukunta",
    "employment_area": "Työssäkäyntialue",
    "subregion_name": "Seutukunta",
    "employment_area_name": "Työssäkäyntialue",
    "label": "Nimike",
    "covers": "Alan luokat",
    "population_start": "Väestö alussa",
    "population_end": "Väestö lopussa",
    "change": "Muutos",
    "change_pct": "Muutos, %",
    "region_share": "Osuus alueella, %",
    "country_share": "Osuus koko maassa, %",
    "share_pct": "Osuus, %",
    "dependency": "Väestöllinen huoltosuhde",
    "index": "Indeksi",
    "section": "Toimialaluokka",
    "section_name": "Toimiala",
    "industry": "Toimialakoodi",
    "industry_name": "Toimiala",
    "jobs": "Työpaikat",
    "jobs_start": "Työpaikat alussa",
    "jobs_end": "Työpaikat lopussa",
    "location_quotient": "Sijaintiosamäärä",
    "group": "Ryhmä",
    "national": "Valtakunnallinen osuus",
    "industry_mix": "Toimialarakenneosuus",
    "regional": "Alueellinen osuus",
    "total": "Muutos yhteensä",
    "sector": "Tunnus",
    "sector_name": "Ala",
    "employed_residents": "Työlliset asukkaat",
    "self_sufficiency": "Työpaikkaomavaraisuus, %",
    "in_commuters": "Sisäänpendelöijät",
    "out_commuters": "Ulospendelöijät",
    "net_commuting": "Nettopendelöinti",
    "occupation": "Ammattikoodi",
    "occupation_name": "Ammatti",
    "employed": "Työlliset",
    "share_aged_55_plus": "55 vuotta täyttäneiden osuus, %",
    "age_basis": "Ikätiedon alue",
    "unemployed": "Työttömät työnhakijat",
    "vacancies": "Avoimet työpaikat",
    "tightness": "Kireys (avoimet / työttömät)",
    "field": "Koulutusalakoodi",
    "field_name": "Koulutusala",
    "level": "Koulutusaste",
    "measure": "Mittari",
    "value": "Arvo",
    "is_region": "Tarkasteltava alue",
    "region_population": "Väestö alueella",
    "country_population": "Väestö koko maassa",
    "rank": "Sija",
}

#: The headings chapters 4–6 use where their wording differs from :data:`HEADINGS` (e.g.
#: "Ammattiryhmä", "Ikä"): ``for_display(frame, rename=LABOUR_HEADINGS)``.
LABOUR_HEADINGS: dict[str, str] = {
    "area": "Aluekoodi",
    "area_name": "Alue",
    "occupation": "Ammattikoodi",
    "occupation_name": "Ammattiryhmä",
    "employed": "Työlliset",
    "region_share": "Osuus alueella, %",
    "country_share": "Osuus koko maassa, %",
    "difference": "Ero, %-yks.",
    "aged_55_plus": "55 vuotta täyttäneet",
    "share_aged_55_plus": "55 vuotta täyttäneiden osuus, %",
    "basis": "Ikätiedon alue",
    "age_group": "Ikä",
    "exit_rate": "Poistuma-aste, % vuodessa",
    "replacement": "Poistuma (korvaustarve)",
    "replacement_share": "Poistuma, % työllisistä",
    "expansion": "Laajenemistarve",
    "yearly_change": "Muutos vuodessa",
    "openings": "Työvoimatarve yhteensä",
    "openings_per_year": "Työvoimatarve vuodessa",
    "openings_share": "Työvoimatarve, % työllisistä",
    "sector": "Ala-tunnus",
    "sector_name": "Ala",
    "precision": "Ammattien tarkkuus",
    "unemployed": "Työttömät työnhakijat",
    "labour_force": "Työvoima",
    "vacancies": "Avoimet työpaikat",
    "unemployment_rate": "Työttömyysaste, %",
    "tightness": "Kireys (avoimet / työttömät)",
    "months_known": "Kuukausia tiedossa",
    "suppressed_months": "Salattuja kuukausia",
    "side": "Tilanne",
    "rank": "Sija",
    "field": "Koulutusalakoodi",
    "field_name": "Koulutusala",
    "level": "Koulutusaste",
    "value": "Määrä",
    "supply_per_year": "Tutkinnot vuodessa",
    "supply_ratio": "Tutkinnot / työvoimatarve",
    "fields_used": "Koulutusalat",
    "field_precision": "Koulutusalojen tarkkuus",
}

#: Finnish words for code values the data holds in plain ASCII (tables and figure legends).
VALUE_WORDS: dict[str, str] = {
    "uudet_opiskelijat": "Uudet opiskelijat",
    "tutkinnot": "Tutkinnot",
    "ammatillinen": "Ammatillinen koulutus",
    "amk": "Ammattikorkeakoulu",
    "yliopisto": "Yliopisto",
    "yhteensä": "Yhteensä",
}


#: The short words of a pivot heading's second part ("Tutkinnot, AMK"): headings stay narrow.
PIVOT_WORDS: dict[str, str] = {
    "ammatillinen": "ammatillinen",
    "amk": "AMK",
    "yliopisto": "yliopisto",
}


def heading(column: str, headings: Mapping[str, str] | None = None) -> str:
    """The Finnish heading of an analysis column: ``headings`` or :data:`HEADINGS`, else readable words.

    A pivot column ``"<a>: <b>"`` of code words becomes "<A>, <b>" ("Uudet opiskelijat,
    ammatillinen", with the short words of :data:`PIVOT_WORDS`); a ``"yhteensä: <b>"`` column
    becomes "<B> yhteensä". Other names are returned as they are.

    Examples
    --------
    >>> heading("tutkinnot: amk")
    'Tutkinnot, AMK'
    >>> heading("yhteensä: uudet_opiskelijat")
    'Uudet opiskelijat yhteensä'
    """
    table = {**HEADINGS, **(dict(headings) if headings else {})}
    if column in table:
        return table[column]
    first, sep, second = str(column).partition(": ")
    if sep and (first in VALUE_WORDS or second in VALUE_WORDS):
        a = VALUE_WORDS.get(first, first)
        b = VALUE_WORDS.get(second, second)
        if first == "yhteensä":
            return f"{b} yhteensä"
        return f"{a}, {PIVOT_WORDS.get(second, b[:1].lower() + b[1:])}"
    return str(column)


def shown_decimals(series: pd.Series) -> int:
    """The digits a study table shows for a number column that does not say (``attrs["decimals"]``).

    Whole numbers none; otherwise two below 10 and one from 10 up.

    Examples
    --------
    >>> shown_decimals(pd.Series([0.125, 3.5])), shown_decimals(pd.Series([12.25])), shown_decimals(pd.Series([3.0]))
    (2, 1, 0)
    """
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size == 0 or np.all(finite == np.round(finite)):
        return 0
    biggest = np.abs(finite).max()
    return 2 if biggest < 10 else 1


def _digits(values: pd.Series, decimals: int) -> int:
    whole = values.dropna()
    return 0 if len(whole) and bool(((whole % 1) == 0).all()) else decimals


def for_display(frame: pd.DataFrame, *, decimals: int = 1,
                rename: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` for a study table: Finnish headings, floats rounded.

    Known column names (``jobs``, ``change_pct`` …) become Finnish headings; ``rename`` adds
    or overrides headings. Whole-number columns (counts) are rounded to 0 decimals, others to
    ``decimals``. Provenance and notes are kept; ``attrs["headings"]`` maps every column to its
    heading and ``attrs["decimals"]`` every numeric heading to the digits shown.

    Examples
    --------
    >>> list(for_display(pd.DataFrame({"area_name": ["A"], "change_pct": [1.234]})).columns)
    ['Alue', 'Muutos, %']
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"for_display: expected a DataFrame, got {type(frame).__name__}")
    out = frame.copy()
    shown: dict[str, int] = {}
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map({True: "kyllä", False: ""})
        elif not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(lambda v: VALUE_WORDS.get(v, v) if isinstance(v, str) else v)
        elif pd.api.types.is_float_dtype(out[column]):
            digits = _digits(out[column], decimals)
            out[column] = out[column].round(digits)
            shown[column] = digits
        else:
            shown[column] = 0
    names = {c: heading(c, rename) for c in out.columns}
    if len(set(names.values())) < len(names):
        clash = sorted({h for h in names.values() if list(names.values()).count(h) > 1})
        raise InputError(f"for_display: several columns would get the heading {clash}; pass rename= "
                         "to tell them apart")
    out = out.rename(columns=names)
    out.attrs = dict(frame.attrs)
    out.attrs["headings"] = names
    out.attrs["decimals"] = {names[c]: d for c, d in shown.items()}
    return out


def download_frame(data: pd.DataFrame, shown: pd.DataFrame | None = None) -> pd.DataFrame:
    """The frame published as CSV/XLSX beside a table or figure: Finnish headings, shown digits.

    Columns of ``data`` that the shown table (:func:`for_display`) has get its headings and are
    rounded to the digits it shows (``attrs["decimals"]``, else :func:`shown_decimals`); other
    columns get :func:`heading`. Float columns no table shows (a figure's data, columns the table
    leaves out) keep four significant digits of their largest value (at least one decimal, at
    most six). Whole numbers stay exact; text, codes and order are untouched; flags read "kyllä"
    as in the table; the figures' short ``label`` column is left out where the code and name
    columns are there.

    Examples
    --------
    >>> data = pd.DataFrame({"area": ["KU491"], "change_pct": [-4.04612]})
    >>> download_frame(data, for_display(data)).to_dict("records")
    [{'Aluekoodi': 'KU491', 'Muutos, %': -4.0}]
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"download_frame: expected a DataFrame, got {type(data).__name__}")
    attrs = (shown.attrs if shown is not None else {}) or {}
    headings = dict(attrs.get("headings") or {})
    shown_digits = dict(attrs.get("decimals") or {})
    out = data.copy()
    if "label" in out.columns and any(str(c).endswith("_name") for c in out.columns):
        # The figures' short "<code> <name…>" label repeats the code and name columns beside it.
        out = out.drop(columns="label")
    names: dict[Any, str] = {}
    for column in out.columns:
        name = headings.get(column) or heading(column) if isinstance(column, str) else str(column)
        names[column] = name
        values = out[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: "kyllä", False: ""})  # as the table shows it
            continue
        if not pd.api.types.is_float_dtype(values):
            continue
        if name in shown_digits:
            digits = int(shown_digits[name])
        elif shown is not None and column in shown.columns:
            digits = shown_decimals(shown[column])
        else:
            finite = values[np.isfinite(values)]
            if not len(finite) or bool(((finite % 1) == 0).all()):
                continue
            biggest = float(np.abs(finite).max())
            digits = 1 if biggest == 0 else min(6, max(1, 3 - math.floor(math.log10(biggest))))
        out[column] = values.round(digits)
    taken: dict[str, int] = {}
    for column, name in names.items():
        taken[name] = taken.get(name, 0) + 1
    # Two columns with one heading (a shown name beside a code column) keep the analysis name.
    out = out.rename(columns={c: (n if taken[n] == 1 else str(c)) for c, n in names.items()})
    out.attrs = dict(data.attrs)
    return out


#: Approximate width of one character of a printed table, in em of its font (Libertinus Serif,
#: measured with Typst: 0.47 em regular, 0.52 em bold).
CHAR_EM = 0.47
#: How much wider a bold heading character is than a cell character.
BOLD = 1.1


#: Longer "words" (web addresses, file paths) are broken where they have a "/" or "." (see
#: :func:`breakable`), so they do not set a column's minimum width.
LONG_WORD = 28


#: Where a word of ordinary length may break: after a hyphen or a slash that a letter follows
#: ("KEHA-|keskus", "ELY-/|elinvoimakeskusalue"). A line may break after a hyphen anyway; a
#: slash gets a zero-width break point from :func:`breakable`.
_WORD_BREAK = re.compile(r"(?<=[-/])(?=[^\W\d_])")


def word_width(word: str) -> int:
    """The characters of ``word`` that must stay on one line: its longest piece between break points.

    Examples
    --------
    >>> word_width("ELY-/elinvoimakeskusalue"), word_width("Saatavuus")
    (19, 9)
    """
    if len(word) > LONG_WORD:
        return LONG_WORD
    return max(len(piece) for piece in _WORD_BREAK.split(word))


def breakable(text: str) -> str:
    """``text`` with zero-width break points where its words may break (see :func:`word_width`).

    Words longer than :data:`LONG_WORD` (web addresses, paths) break after "/", ".", "_", "?", "&"
    and "="; other words after a slash that a letter follows.

    Examples
    --------
    >>> breakable("see https://pxdata.stat.fi/PxWeb/api") == "see https:/\u200b/\u200bpxdata.\u200bstat.\u200bfi/\u200bPxWeb/\u200bapi"
    True
    >>> breakable("ELY-/elinvoimakeskusalue") == "ELY-/\u200belinvoimakeskusalue"
    True
    """
    def split(word: str) -> str:
        if len(word) <= LONG_WORD:
            return _WORD_BREAK.sub(lambda m: "\u200b" if word[m.start() - 1] == "/" else "", word)
        return "".join(ch + "\u200b" if ch in "/._?&=" and i < len(word) - 1 else ch
                       for i, ch in enumerate(word))
    return " ".join(split(w) for w in text.split(" "))


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool], *,
                  available: float, min_header_lines: int = 3,
                  header_word: int | None = None, cell_word: int | None = None) -> list[float]:
    """Widths (in characters) for the columns of a printed table that fit ``available`` characters.

    Widths are in characters of a cell; a (bold) heading's characters count :data:`BOLD` each.

    Every column is at least as wide as its longest word (header or cell), so no word is broken
    (a web address or path longer than :data:`LONG_WORD` counts as that long: it breaks at "/");
    a header wraps on up to ``min_header_lines`` lines while there is room. Number columns get
    the width of their widest value (or heading), text columns their longest cell; while the
    table is wider than ``available`` the widest columns shrink first, towards their longest word
    (a number column towards its widest value), so headings wrap on more lines and long
    descriptions wrap before short names. When even the longest words do not
    fit, the widths are those minima: the caller makes the font smaller, or hyphenates the
    headings and passes ``header_word``, the longest piece of a heading word it counts on (and,
    as a last resort, hyphenates the cells too and passes ``cell_word``).

    Examples
    --------
    >>> column_widths(["Alue", "Väestö"], [["Etelä-Savo", "128 144"]], [False, True], available=60)
    [10.0, 7.0]
    """
    n = len(header)
    if any(len(r) != n for r in rows) or len(numeric) != n:
        raise InputError("column_widths: header, rows and numeric must have one entry per column")
    minimum, desired = [], []
    for j in range(n):
        cells = [str(r[j]) for r in rows]
        head_words = [min(len(w), header_word or len(w)) * BOLD for w in str(header[j]).split()]
        cell_words = [min(word_width(w), cell_word or LONG_WORD) for c in cells for w in c.split()]
        longest_word = math.ceil(max([*head_words, *cell_words], default=1))
        head = max(longest_word, math.ceil(len(str(header[j])) * BOLD / min_header_lines))
        longest_cell = max((len(c) for c in cells), default=0)
        low = max(longest_word, 1)
        want = max(head, longest_cell) if numeric[j] else max(head, min(longest_cell, 60))
        minimum.append(float(low if not numeric[j] else max(low, longest_cell)))
        desired.append(float(max(want, minimum[-1])))
    widths = list(desired)
    excess = sum(widths) - available
    while excess > 0.5:
        room = {j: widths[j] - minimum[j] for j in range(n) if widths[j] - minimum[j] > 0.5}
        if not room:
            break
        # Shrink the widest text columns first: long descriptions wrap, short names stay on a line.
        top = max(widths[j] for j in room)
        widest = [j for j in room if widths[j] >= top - 0.5]
        following = max([widths[j] for j in room if j not in widest], default=0.0)
        step = min(excess / len(widest), min(room[j] for j in widest),
                   max(top - following, 0.5))
        for j in widest:
            widths[j] -= step
        excess -= step * len(widest)
    return [round(w, 1) for w in widths]
