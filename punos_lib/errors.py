"""Exception hierarchy of punos_lib.

Every error the library raises on purpose derives from :class:`PunosError`, so
callers (and the ``punos`` command line, which turns them into one line and exit
code 2) can catch one class. A message says what was wrong, where (file, row,
field, table, value) and what to do about it.

::

    PunosError
    ├── InputError              bad arguments or parameters given by the user
    │   ├── ValidationError     a data file (YAML/CSV/XLSX) breaks its schema
    │   └── SelectionError      unknown table variable or value in a query
    ├── ParseError              a payload or file is not valid JSON-stat / PC-Axis / JSON
    ├── DataSourceError         talking to an upstream API failed
    │   ├── OfflineError        network use is disabled or impossible
    │   ├── TableNotFoundError  400/404 for a table, or an old long table id
    │   ├── QueryError          the server refused a query (400)
    │   ├── TooManyCellsError   the server refused the size of a query (403)
    │   ├── RateLimitError      429 after the allowed retries
    │   └── ResponseError       5xx, broken or truncated body after retries
    ├── SnapshotError           snapshot missing, incomplete or corrupt
    ├── PipelineError           notebook batch runs
    └── PublishError            rendering the study
"""

from __future__ import annotations

__all__ = [
    "PunosError",
    "InputError",
    "ValidationError",
    "SelectionError",
    "ParseError",
    "DataSourceError",
    "OfflineError",
    "TableNotFoundError",
    "QueryError",
    "TooManyCellsError",
    "RateLimitError",
    "ResponseError",
    "SnapshotError",
    "PipelineError",
    "PublishError",
]


class PunosError(Exception):
    """Base class of every error raised by punos_lib on purpose."""


class InputError(PunosError, ValueError):
    """An argument, parameter or user-supplied value is not acceptable."""


class ValidationError(InputError):
    """A data file breaks its schema.

    Parameters
    ----------
    message : str
        What is wrong and what to do.
    file, sheet, row, field, value : optional
        Where the problem is; included in ``str(error)`` when given.
    problems : list of str, optional
        Every problem found, when several are reported together.
    unit : str
        What ``row`` counts (``"row"``, or ``"entry"`` for the items of a YAML list).
    label : str, optional
        The record's name shown after the row number, e.g. a dataset id.
    """

    def __init__(
        self,
        message: str,
        *,
        file: object = None,
        sheet: str | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        problems: list[str] | None = None,
        unit: str = "row",
        label: str | None = None,
    ) -> None:
        self.file = file
        self.sheet = sheet
        self.row = row
        self.field = field
        self.value = value
        self.problems = list(problems or [])
        where = []
        if file is not None:
            where.append(f"file {file}")
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"{unit} {row}" + (f" ({label})" if label else ""))
        if field is not None:
            where.append(f"field {field!r}")
        if value is not None:
            where.append(f"value {value!r}")
        text = f"{', '.join(where)}: {message}" if where else message
        if self.problems:
            text += "\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)


class SelectionError(InputError):
    """A query names a variable or value that the table does not have."""


class ParseError(PunosError):
    """A payload or file could not be parsed in its declared format."""


class DataSourceError(PunosError):
    """Communication with an upstream data source failed.

    Attributes ``url`` and ``status`` are set when known.
    """

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(message)


class OfflineError(DataSourceError):
    """Network use is disabled (``PUNOS_OFFLINE=1``) or the host cannot be reached."""


class TableNotFoundError(DataSourceError):
    """The table, database or resource does not exist upstream."""


class QueryError(DataSourceError):
    """The server refused a query as malformed (HTTP 400)."""


class TooManyCellsError(DataSourceError):
    """The server refused a query as too large (StatFin: HTTP 403)."""


class RateLimitError(DataSourceError):
    """The server kept answering 429 Too Many Requests after the allowed retries."""


class ResponseError(DataSourceError):
    """A server error, a broken connection or an invalid/truncated body persisted after retries."""


class SnapshotError(PunosError):
    """The data snapshot is missing, incomplete or does not match its manifest."""


class PipelineError(PunosError):
    """A batch run of the study notebooks failed."""


class PublishError(PunosError):
    """Rendering the study to a website or PDF failed."""
