"""Validation helpers shared by the project's curated records (YAML and CSV).

The catalogue (:mod:`punos_lib.registry.catalogue`), the actor registry
(:mod:`punos_lib.registry.actors`) and the forum records (:mod:`punos_lib.registry.forums`) all
check the same kinds of things: required fields, allowed values, unique ids,
types. They collect every problem of a file with a :class:`Problems` object and
raise one :class:`~punos_lib.errors.ValidationError` that names the file, the
row and the field of the first problem and lists all of them, so a user fixes a
file in one pass instead of one error per run.

Rows are counted from 1: the entry index in a YAML list, the data row in a CSV
file (the header is not counted) or the worksheet row in an Excel sheet.

Examples
--------
>>> p = Problems("data/example.yaml")
>>> rec = {"id": "a", "kind": "blog"}
>>> p.require(rec, ["id", "name"], row=1)
>>> p.allowed(rec["kind"], ["statistics", "survey"], row=1, field="kind")
False
>>> len(p)
2
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from punos_lib.errors import InputError, ValidationError

__all__ = [
    "Problem",
    "Problems",
    "read_yaml",
    "read_csv_table",
    "require_columns",
    "curated_provenance",
    "with_curated_provenance",
    "split_list",
]

# libyaml's parser (when PyYAML was built with it) reads the curated files several times faster
# than the pure-Python one; both construct only plain YAML types (safe loading).
_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a record file."""

    file: str
    row: int | None
    field: str | None
    message: str
    value: object = None
    sheet: str | None = None
    unit: str = "row"
    label: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"{self.unit} {self.row}" + (f" ({self.label})" if self.label else ""))
        if self.field is not None:
            where.append(f"field {self.field!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{', '.join(where)}: {self.message}"


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, tuple, dict, set)):
        return len(value) == 0
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class Problems:
    """Collect the problems of one file, then raise them together.

    Parameters
    ----------
    file : str or Path
        The file being checked; named in every message.
    sheet : str, optional
        The worksheet, for Excel files.
    unit : str
        What a ``row`` number counts: ``"row"`` (CSV and Excel rows) or ``"entry"`` (the items of
        a YAML list), so a message never calls the tenth entry of a YAML file "row 10".
    """

    def __init__(self, file: str | Path, *, sheet: str | None = None, unit: str = "row") -> None:
        self.file = str(file)
        self.sheet = sheet
        self.unit = unit
        self._labels: dict[int, str] = {}
        self._items: list[Problem] = []

    def label(self, row: int, text: str) -> None:
        """Name record ``row`` (e.g. by its id) in every message about it: ``entry 10 (population)``."""
        self._labels[row] = text

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):  # noqa: D105 - plain iteration over the collected problems
        return iter(self._items)

    def add(
        self,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        sheet: str | None = None,
    ) -> None:
        """Record one problem."""
        self._items.append(
            Problem(self.file, row, field, message, value, sheet if sheet is not None else self.sheet,
                    self.unit, self._labels.get(row) if row is not None else None)
        )

    def require(self, record: Mapping[str, Any], fields: Iterable[str], *, row: int | None) -> None:
        """Check that each of ``fields`` is present and not blank in ``record``."""
        for field in fields:
            if field not in record:
                self.add("required field is missing; add it", row=row, field=field)
            elif _is_blank(record[field]):
                self.add("required field is empty; fill it in", row=row, field=field)

    def known_keys(self, record: Mapping[str, Any], allowed: Iterable[str], *, row: int | None) -> None:
        """Report keys of ``record`` that the schema does not know (often typos)."""
        allowed_set = set(allowed)
        for key in record:
            if key not in allowed_set:
                self.add(
                    f"unknown field; allowed fields are {', '.join(sorted(allowed_set))}",
                    row=row,
                    field=str(key),
                )

    def allowed(
        self, value: object, allowed: Iterable[object], *, row: int | None, field: str
    ) -> bool:
        """Check that ``value`` is one of ``allowed``; return whether it is."""
        allowed_list = list(allowed)
        if value in allowed_list:
            return True
        shown = ", ".join(str(a) for a in allowed_list)
        self.add(f"not an allowed value; use one of: {shown}", row=row, field=field, value=value)
        return False

    def type(
        self, value: object, expected: type | tuple[type, ...], *, row: int | None, field: str, what: str
    ) -> bool:
        """Check ``isinstance(value, expected)``; ``what`` names the type for the message."""
        # bool is an int subclass; a YAML "yes" must not pass as a count
        if isinstance(value, bool) and bool not in (expected if isinstance(expected, tuple) else (expected,)):
            ok = False
        else:
            ok = isinstance(value, expected)
        if not ok:
            self.add(f"must be {what}", row=row, field=field, value=value)
        return ok

    def pattern(self, value: object, regex: str, *, row: int | None, field: str, what: str) -> bool:
        """Check that ``str(value)`` matches ``regex`` completely."""
        if isinstance(value, str) and re.fullmatch(regex, value):
            return True
        self.add(f"must be {what}", row=row, field=field, value=value)
        return False

    def unique(self, values: Iterable[object], *, field: str, first_row: int = 1,
               rows: Iterable[int] | None = None) -> None:
        """Report every repeated value of ``field``.

        Rows are numbered from ``first_row``, or given one per value in ``rows`` (a worksheet
        whose blank rows were skipped).
        """
        seen: dict[object, int] = {}
        values = list(values)
        numbers = list(rows) if rows is not None else [first_row + i for i in range(len(values))]
        for row, value in zip(numbers, values, strict=True):
            if _is_blank(value) or not isinstance(value, (str, int)):
                continue  # a blank or non-text id is reported by the field's own check
            if value in seen:
                self.add(
                    f"duplicate id (first used in {self.unit} {seen[value]}); ids must be unique",
                    row=row,
                    field=field,
                    value=value,
                )
            else:
                seen[value] = row

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems collected elsewhere (e.g. another sheet of the same workbook)."""
        self._items.extend(problems)

    def raise_if_any(self, what: str) -> None:
        """Raise one ValidationError listing every problem, if there are any.

        Parameters
        ----------
        what : str
            What the file is, e.g. ``"data source catalogue"``; starts the message.
        """
        if not self._items:
            return
        first = self._items[0]
        count = len(self._items)
        message = (
            f"{what} is not valid ({count} problem{'s' if count > 1 else ''}); "
            f"first: {first.message}. Fix the listed problems and run again"
        )
        raise ValidationError(
            message,
            file=self.file,
            sheet=first.sheet,
            row=first.row,
            field=first.field,
            value=first.value,
            problems=[str(p) for p in self._items],
            unit=first.unit,
            label=first.label,
        )


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file with safe loading; a missing or broken file is a ValidationError.

    The file is parsed with libyaml's safe loader when PyYAML has it (faster start-up), else
    with ``yaml.SafeLoader``: either way only plain YAML types are built, never Python objects.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"file not found: {path}; check the path or restore it from git", file=path)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise ValidationError(
            f"not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax (indentation, quotes, colons)",
            file=path,
            row=row,
        ) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError("not UTF-8 text; save the file as UTF-8", file=path) from exc
    except OSError as exc:
        raise ValidationError(f"cannot read the file ({exc.strerror or exc}); check its permissions", file=path) from exc


def read_csv_table(path: str | Path, columns: Iterable[str]) -> pd.DataFrame:
    """Read a CSV file as text (no type guessing) and check its header.

    Every value is a ``str``; empty cells are ``""`` (so ``"046"`` stays a
    code and an empty optional cell is not NaN).

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, comma-separated, header row).
    columns : iterable of str
        The exact columns the file must have, in this order.

    Raises
    ------
    ValidationError
        Missing file, unreadable text or a header that differs from ``columns``.
    """
    path = Path(path)
    expected = list(columns)
    if not path.is_file():
        raise ValidationError(f"file not found: {path}; check the path or restore it from git", file=path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError("not UTF-8 text; save the file as UTF-8 CSV", file=path) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValidationError(f"not a readable CSV file ({exc}); check quoting and commas", file=path) from exc
    header = list(frame.columns)
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        raise ValidationError(
            f"wrong header {header}; the columns must be exactly {expected} "
            f"(missing: {missing or 'none'}, unexpected: {extra or 'none'})",
            file=path,
            row=0,
        )
    return frame.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)


def require_columns(frame: Any, columns: Iterable[str], what: str, *,
                    hint: str = "pass the frame from the loader named in the function's docstring") -> None:
    """Raise InputError unless ``frame`` is a DataFrame with every one of ``columns``.

    Parameters
    ----------
    frame : object
        The frame a function was given.
    columns : iterable of str
        The columns the function reads.
    what : str
        The function (and argument) checking, e.g. ``"centrality_table"``; starts the message.
    hint : str
        What to do instead, e.g. ``"pass the frames from load_registry()"``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}; {hint}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what}: the frame lacks columns {missing} (it has {list(map(str, frame.columns))}); "
                         f"{hint}")


def curated_provenance(source: str, *, mark: str | None = None) -> dict[str, Any]:
    """Provenance for a table built from the project's curated files, not from the snapshot.

    Parameters
    ----------
    source : str
        The source line text, e.g. ``"Punos-toimijarekisteri"``.
    mark : str, optional
        Appended to the attribution after a dash, e.g. the forums' example mark, so the source
        line says the records are examples.

    Returns
    -------
    dict
        The keys of ``attrs["provenance"]`` (see docs/architecture.md): no datasets or
        snapshot entries, ``synthetic`` False (curated records are not synthetic statistics).

    Examples
    --------
    >>> curated_provenance("Punos-foorumiaineisto", mark="Esimerkki")["attribution"]
    ['Punos-foorumiaineisto – Esimerkki']
    """
    if not isinstance(source, str) or not source.strip():
        raise InputError("curated_provenance needs the source text, e.g. 'Punos-toimijarekisteri'")
    text = source.strip() + (f" – {mark}" if mark else "")
    return {"datasets": [], "entries": [], "synthetic": False, "attribution": [text], "updated": {}}


def with_curated_provenance(frame: pd.DataFrame, source: str, *, mark: str | None = None) -> pd.DataFrame:
    """Give ``frame`` the :func:`curated_provenance` of ``source`` and return it."""
    frame.attrs["provenance"] = curated_provenance(source, mark=mark)
    return frame


def split_list(value: object, sep: str = ";") -> tuple[str, ...]:
    """Split a ``;``-separated cell into a tuple of stripped, non-empty items.

    >>> split_list("metsa; ruoka;")
    ('metsa', 'ruoka')
    """
    if _is_blank(value):
        return ()
    return tuple(part.strip() for part in str(value).split(sep) if part.strip())
