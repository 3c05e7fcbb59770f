"""Selections of a PxWeb v1 table: variable roles, friendly selections resolved to value codes.

Pure functions over a table's metadata (``{"title", "variables": [...]}``), no network: the
client (:mod:`punos_lib.sources.statfin.client`) and the demo snapshot resolve selections with the
same code, so a stored query says exactly which cells it holds.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from punos_lib.errors import ParseError, SelectionError

__all__ = [
    "Role",
    "SelectionSpec",
    "table_variables",
    "describe_table",
    "variable_roles",
    "resolve_selection",
    "selection_cells",
    "build_query",
    "describe_selection",
]

_TOP = re.compile(r"^top:(\d+)$", re.IGNORECASE)
_AREA_TEXTS = {"alue", "area", "region", "område"}
_CONTENTS_TEXTS = {"tiedot", "information", "data", "uppgifter"}
_ALIASES = {"@area": "area", "@time": "time", "@contents": "contents"}

Role = Literal["area", "time", "contents"]
SelectionSpec = Mapping[str, "str | Sequence[str]"]


def table_variables(metadata: Mapping[str, Any], where: str) -> list[Mapping[str, Any]]:
    """The ``variables`` list of PxWeb table metadata, each checked to have a code and values.

    Parameters
    ----------
    metadata : dict
        PxWeb v1 table metadata.
    where : str
        What the metadata is, for the error message (e.g. ``"table vaerak/11re"``).

    Raises
    ------
    ParseError
        No ``variables`` list, or a variable without ``code`` and ``values``.
    """
    variables = metadata.get("variables") if isinstance(metadata, Mapping) else None
    if not isinstance(variables, list) or not variables:
        raise ParseError(f"{where}: the metadata has no 'variables' list; is it PxWeb table metadata?")
    for i, var in enumerate(variables):
        if (
            not isinstance(var, Mapping)
            or not isinstance(var.get("code"), str)
            or not isinstance(var.get("values"), list)
        ):
            raise ParseError(f"{where}: metadata variable #{i} has no 'code' and 'values' list")
    return variables


def describe_table(metadata: Mapping[str, Any], table: str | None) -> str:
    """How messages name a table: by its id when known, else by the metadata's title."""
    if table:
        return f"table {table}"
    title = metadata.get("title") if isinstance(metadata, Mapping) else None
    return f"table {title!r}" if title else "table"


def variable_roles(metadata: Mapping[str, Any]) -> dict[Role, str | None]:
    """Find the area, time and contents variables of a table from its metadata.

    Time is the variable with ``"time": true``. Area is the variable with ``map`` set, else the
    one whose code starts with ``alue``, else the one whose text is Alue/Area/Region. Contents is
    the variable coded ``contentscode``, else the one whose text is Tiedot/Information/Data, else
    the last variable (when it is neither time nor area). Codes are never assumed.

    Parameters
    ----------
    metadata : dict
        PxWeb v1 table metadata (``{"title", "variables": [...]}``).

    Returns
    -------
    dict
        ``{"area": code or None, "time": code or None, "contents": code or None}``.

    Examples
    --------
    >>> meta = {"variables": [
    ...     {"code": "alue_23_20260101", "text": "Alue", "values": ["SSS"], "map": "Alue 2026"},
    ...     {"code": "timeperiod_y", "text": "Vuosi", "values": ["2025"], "time": True},
    ...     {"code": "contentscode", "text": "Tiedot", "values": ["vaerak-vaesto"]}]}
    >>> variable_roles(meta)
    {'area': 'alue_23_20260101', 'time': 'timeperiod_y', 'contents': 'contentscode'}
    """
    variables = table_variables(metadata, describe_table(metadata, None))

    def first(test: Any) -> str | None:
        return next((str(v["code"]) for v in variables if test(v)), None)

    def text(v: Mapping[str, Any]) -> str:
        return str(v.get("text", "")).strip().lower()

    time = first(lambda v: v.get("time") is True)
    area = (
        first(lambda v: bool(v.get("map")))
        or first(lambda v: v["code"].lower().startswith("alue"))
        or first(lambda v: text(v) in _AREA_TEXTS)
    )
    contents = first(lambda v: v["code"].lower() == "contentscode") or first(
        lambda v: text(v) in _CONTENTS_TEXTS
    )
    if contents is None:
        last = str(variables[-1]["code"])
        contents = last if last not in {time, area} else None
    return {"area": area, "time": time, "contents": contents}


def _describe_variables(variables: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(f"{v['code']} ({v.get('text', '')})" for v in variables)


def _few(values: Sequence[str], n: int = 8) -> str:
    shown = ", ".join(values[:n])
    return f"{shown}, … ({len(values)} values in all)" if len(values) > n else shown


def _fold(text: str) -> str:
    # Keys are often typed without diacritics (``ammattiryhma`` for the tyonv code ``Ammattiryhmä``).
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _find_variable(
    variables: Sequence[Mapping[str, Any]],
    key: str,
    roles: Mapping[str, str | None],
    where: str,
) -> Mapping[str, Any]:
    by_code = {str(v["code"]): v for v in variables}
    if key in by_code:
        return by_code[key]
    hint = (
        f"variables are: {_describe_variables(variables)}; name one by its code, a code prefix, "
        "its text, or @area/@time/@contents"
    )
    if key.lower() in _ALIASES:
        code = roles[_ALIASES[key.lower()]]
        if code is None:
            raise SelectionError(f"{where} has no {_ALIASES[key.lower()]} variable for {key!r}; {hint}")
        return by_code[code]
    wanted = _fold(key)
    matches = [
        v for v in variables if _fold(str(v["code"])).startswith(wanted) or _fold(str(v.get("text", ""))) == wanted
    ]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise SelectionError(
            f"{where}: {key!r} matches several variables ({_describe_variables(matches)}); "
            "use the full code"
        )
    raise SelectionError(f"{where} has no variable {key!r}; {hint}")


def _expand(var: Mapping[str, Any], spec: object, where: str) -> list[str]:
    code = str(var["code"])
    values = [str(x) for x in var["values"]]
    here = f"{where}, variable {code} ({var.get('text', code)})"
    if isinstance(spec, str):
        if spec == "*":
            return values
        top = _TOP.match(spec.strip())
        if top:
            n = int(top.group(1))
            if n < 1:
                raise SelectionError(f"{here}: {spec!r} asks for no values; use top:1 or more")
            # PxWeb's top: the latest N periods of the time variable, the first N of others.
            return values[-n:] if var.get("time") is True else values[:n]
        spec = [spec]
    if not isinstance(spec, Sequence) or isinstance(spec, (bytes, bytearray)):
        raise SelectionError(
            f"{here}: a selection is a list of value codes, '*' or 'top:N', not {type(spec).__name__}"
        )
    wanted = [str(x) for x in spec]
    if not wanted:
        raise SelectionError(f"{here}: the list of values is empty; leave the variable out or use '*'")
    position = {v: i for i, v in enumerate(values)}
    unknown = [w for w in wanted if w not in position]
    if unknown:
        texts = dict(zip((str(t) for t in var.get("valueTexts") or []), values, strict=False))
        tips = [f"{u!r} is the text of code {texts[u]!r}" for u in unknown if u in texts]
        tip = f" ({'; '.join(tips)})" if tips else ""
        raise SelectionError(
            f"{here} has no value {', '.join(repr(u) for u in unknown)}{tip}; valid values are "
            f"{_few(values)}"
        )
    # PxWeb answers in the table's value order whatever the query's order, so keep that order.
    return sorted(set(wanted), key=position.__getitem__)


def resolve_selection(
    metadata: Mapping[str, Any],
    selection: SelectionSpec | None,
    *,
    table: str | None = None,
) -> dict[str, list[str]]:
    """Turn a friendly selection into explicit value codes per variable code.

    Parameters
    ----------
    metadata : dict
        PxWeb v1 table metadata.
    selection : mapping or None
        Variable → values. A key is an exact variable code, a role alias (``"@area"``,
        ``"@time"``, ``"@contents"``), a code prefix (``"ikaryhma"`` for
        ``ikaryhma_10_20180101``) or the variable text, case-insensitively (``"Ikä"``). A value is
        a list of codes (or one code), ``"*"`` for all, or ``"top:N"``: the latest N periods of
        the time variable, the first N values of any other (as PxWeb does).
    table : str, optional
        Table name for error messages.

    Returns
    -------
    dict
        Variable code → value codes in the table's order, in the table's variable order.
        Omitted eliminable variables stay omitted (the server eliminates them); omitted
        non-eliminable variables get all their values, as PxWeb does.

    Raises
    ------
    SelectionError
        An unknown or ambiguous variable, an unknown value, an empty list, or two keys naming
        the same variable; the message names the table and the valid choices.
    ParseError
        The metadata is not PxWeb table metadata.

    Examples
    --------
    >>> meta = {"variables": [
    ...     {"code": "alue_23_20260101", "text": "Alue", "values": ["SSS", "KU091", "KU491"],
    ...      "elimination": True, "map": "Alue 2026"},
    ...     {"code": "ikaryhma_10_20180101", "text": "Ikä", "values": ["SSS", "000"], "elimination": True},
    ...     {"code": "timeperiod_y", "text": "Vuosi", "values": ["2023", "2024", "2025"], "time": True},
    ...     {"code": "contentscode", "text": "Tiedot", "values": ["vaerak-vaesto"]}]}
    >>> resolve_selection(meta, {"@area": ["KU491", "KU091"], "@time": "top:2"})
    {'alue_23_20260101': ['KU091', 'KU491'], 'timeperiod_y': ['2024', '2025'], 'contentscode': ['vaerak-vaesto']}
    """
    where = describe_table(metadata, table)
    variables = table_variables(metadata, where)
    if selection is None:
        selection = {}
    if not isinstance(selection, Mapping):
        raise SelectionError(
            f"{where}: a selection is a mapping of variable → values, not {type(selection).__name__}"
        )
    roles = variable_roles(metadata)
    chosen: dict[str, list[str]] = {}
    named_by: dict[str, str] = {}
    for key, spec in selection.items():
        if not isinstance(key, str):
            raise SelectionError(f"{where}: selection keys are variable names, not {key!r}")
        var = _find_variable(variables, key, roles, where)
        code = str(var["code"])
        if code in chosen:
            raise SelectionError(f"{where}: {named_by[code]!r} and {key!r} both select variable {code}")
        chosen[code] = _expand(var, spec, where)
        named_by[code] = key
    resolved: dict[str, list[str]] = {}
    for var in variables:
        code = str(var["code"])
        if code in chosen:
            resolved[code] = chosen[code]
        elif var.get("elimination") is not True:
            resolved[code] = [str(v) for v in var["values"]]
    return resolved


def selection_cells(selection: Mapping[str, Sequence[str]]) -> int:
    """Cells a resolved selection holds: the product of its value counts (1 for no variables)."""
    return math.prod(len(v) for v in selection.values())


def build_query(selection: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The PxWeb v1 POST body for a resolved selection: ``item`` filters, json-stat2.

    Examples
    --------
    >>> build_query({"vuosi": ["2025"]})
    {'query': [{'code': 'vuosi', 'selection': {'filter': 'item', 'values': ['2025']}}], 'response': {'format': 'json-stat2'}}
    """
    # Always explicit item lists: a stored query then says exactly which cells it holds.
    return {
        "query": [
            {"code": code, "selection": {"filter": "item", "values": list(values)}}
            for code, values in selection.items()
        ],
        "response": {"format": "json-stat2"},
    }


def describe_selection(selection: Mapping[str, Sequence[str]]) -> str:
    """A short text of a resolved selection for error messages (at most three values per variable).

    Examples
    --------
    >>> describe_selection({"alue": ["SSS", "KU091", "KU491", "KU020"]})
    'alue=[SSS, KU091, KU491, … (4 values in all)]'
    """
    bits = [f"{code}=[{_few(list(values), 3)}]" for code, values in selection.items()]
    return "; ".join(bits) if bits else "(no variables: the basic table)"
