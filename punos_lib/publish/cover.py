"""The study's cover: title, region, publisher, date, version and the vintage of the real data.

The publisher, version and date come from the ``publication:`` section of ``_quarto.yml``
(``publisher``, ``version``, ``date``); without it the publisher is the book's author (the
project's name), the version is the toolkit's and the date is the day of the render
(``SOURCE_DATE_EPOCH`` when set, so a rebuild can be dated exactly). The vintage lists the latest
period of every real statistics table of the snapshot (:func:`data_vintage`).

Both engines show the same cover: the built-in PDF's title page, Quarto's title block (with the
publication details as its abstract), and on both websites a block at the top of the front page
(:func:`cover_html`, written to ``study/_generated/kansi.md``).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from punos_lib import __version__
from punos_lib.errors import PublishError
from punos_lib.publish.book import Book
from punos_lib.snapshot.origins import DatasetOrigin

__all__ = ["Cover", "cover_html", "cover_info", "data_vintage", "finnish_date"]

_REAL = ("api", "bundled", "imported")
_PERIOD = re.compile(r"(\d{4})(?:M(\d{2}))?")


@dataclass(frozen=True)
class Cover:
    """What the cover says."""

    title: str
    subtitle: str
    publisher: str
    version: str
    date: dt.date
    vintage: tuple[tuple[str, str], ...]   # (dataset title, latest period), real statistics only

    @property
    def date_fi(self) -> str:
        return finnish_date(self.date)

    def details(self) -> list[str]:
        """The cover's lines after the title, in Finnish."""
        lines = [f"Julkaisija: {self.publisher}", f"Päivätty: {self.date_fi}", f"Versio: {self.version}"]
        if self.vintage:
            lines.append("Tilastojen viimeisin ajankohta: "
                         + "; ".join(f"{name} {period}" for name, period in self.vintage))
        else:
            lines.append("Tilastojen viimeisin ajankohta: ei todellisia tilastoja (esimerkkiaineisto)")
        return lines


def finnish_date(day: dt.date) -> str:
    """``day`` as Finnish writes it (``2.12.2026``).

    Examples
    --------
    >>> finnish_date(dt.date(2026, 12, 2))
    '2.12.2026'
    """
    return f"{day.day}.{day.month}.{day.year}"


def _latest(period: str) -> str | None:
    """The latest period named in ``period`` (text before any parenthesis): ``2023M10`` → ``10/2023``."""
    found = _PERIOD.findall(period.split("(")[0])
    if not found:
        return None
    year, month = max(found, key=lambda ym: (int(ym[0]), int(ym[1] or 0)))
    return f"{int(month)}/{year}" if month else year


def data_vintage(rows: Sequence[DatasetOrigin] | None) -> tuple[tuple[str, str], ...]:
    """The latest period of each real statistics table (datasets with a table and a known period).

    Examples
    --------
    >>> rows = [DatasetOrigin("p", "Väestö", "vaerak/11re", "bundled", "1972–2025 (2025 ennakkotieto)", None),
    ...         DatasetOrigin("j", "Työnhakijat", "tyonv/12ti", "bundled", "2020M11–2023M10", None),
    ...         DatasetOrigin("e", "Työpaikat", "tyokay/115h", "example", None, None)]
    >>> data_vintage(rows)
    (('Väestö', '2025'), ('Työnhakijat', '10/2023'))
    """
    out = []
    for row in rows or ():
        if row.origin not in _REAL or not row.table or not row.period:
            continue
        latest = _latest(row.period)
        if latest:
            out.append((row.title_fi.rstrip(" .").removesuffix(" 31.12"), latest))
    return tuple(out)


def _render_date(raw: object) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str) and raw.strip():
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError as exc:
            raise PublishError(f"_quarto.yml publication: date {raw!r} is not a date (write e.g. 2026-12-02)") from exc
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.datetime.now(dt.timezone.utc).date()


def cover_info(book: Book, status: Sequence[DatasetOrigin] | None) -> Cover:
    """The cover of ``book`` (see the module text); ``status`` from
    :func:`punos_lib.snapshot.origins.dataset_origins`.

    Raises
    ------
    PublishError
        ``publication:`` in ``_quarto.yml`` is not a mapping or its date is not a date.
    """
    raw = yaml.safe_load((book.project / "_quarto.yml").read_text(encoding="utf-8")) or {}
    pub = raw.get("publication") or {}
    if not isinstance(pub, dict):
        raise PublishError(f"{book.project / '_quarto.yml'}: 'publication:' must be a mapping with publisher, "
                           "version and date")
    publisher = str(pub.get("publisher") or book.author or "Punos").strip()
    version = str(pub.get("version") or __version__).strip()
    return Cover(title=book.title, subtitle=book.subtitle, publisher=publisher, version=version,
                 date=_render_date(pub.get("date")), vintage=data_vintage(status))


def cover_html(cover: Cover) -> str:
    """The front page's block of publication details, as a raw HTML block (the PDF has its cover)."""
    items = "\n".join(f"<li>{html.escape(line)}</li>" for line in cover.details())
    return ("<!-- Generated by the publisher from _quarto.yml and the snapshot; do not edit. -->\n\n"
            '```{=html}\n<div class="cover-info">\n'
            f'<p class="cover-title">{html.escape(cover.title)}</p>\n'
            f'<p class="cover-subtitle">{html.escape(cover.subtitle)}</p>\n'
            f"<ul>\n{items}\n</ul>\n</div>\n```\n")
