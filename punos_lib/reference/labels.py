"""Code → name lookups from the curated classification tables in ``data/classifications/`` (offline).

The tables are committed with the project (TOL 2008 sections and divisions, Ammattiluokitus 2010
levels 1–4, Koulutusala 2016; names from Statistics Finland's classification service, CC BY 4.0),
so charts and tables can name codes without the network. The classification API itself is
:mod:`punos_lib.sources.classifications`; reading labels imports no HTTP client.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from punos_lib import paths
from punos_lib.errors import InputError

__all__ = ["LANGS", "LABEL_FILES", "Lang", "LabelKind", "check_lang", "labels"]

Lang = Literal["fi", "sv", "en"]
LabelKind = Literal["tol2008", "aml2010", "koulutusala2016"]
#: The languages of the classifications' names.
LANGS: tuple[str, ...] = ("fi", "sv", "en")
#: Classification → its curated table in ``data/classifications/``.
LABEL_FILES: dict[str, str] = {
    "tol2008": "tol2008.csv",
    "aml2010": "aml2010.csv",
    "koulutusala2016": "koulutusala2016.csv",
}


def check_lang(lang: str) -> None:
    """Refuse a language the classifications have no names in.

    Raises
    ------
    InputError
        ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")


def labels(kind: LabelKind, lang: Lang = "fi") -> pd.Series:
    """Code → name lookup from the curated tables in ``data/classifications/`` (offline).

    Parameters
    ----------
    kind : {"tol2008", "aml2010", "koulutusala2016"}
        TOL 2008 sections and divisions, Ammattiluokitus 2010 levels 1–4, Koulutusala 2016.
    lang : {"fi", "sv", "en"}

    Returns
    -------
    Series
        Index ``code`` (text, leading zeros kept), values the names, named ``<kind>_name_<lang>``.

    Raises
    ------
    InputError
        An unknown classification or language, or a table that cannot be read or lacks the columns.

    Examples
    --------
    >>> labels("tol2008")["16"]  # doctest: +SKIP
    'Sahatavaran sekä puu- ja korkkituotteiden valmistus (pl. huonekalut); ...'
    """
    if kind not in LABEL_FILES:
        raise InputError(f"unknown classification {kind!r}: use one of {', '.join(LABEL_FILES)}")
    check_lang(lang)
    path = paths.data_dir() / "classifications" / LABEL_FILES[kind]
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}; the curated classification tables ship with the project") from exc
    column = f"name_{lang}"
    if "code" not in frame.columns or column not in frame.columns:
        raise InputError(f"{path}: expected columns 'code' and {column!r}, found {list(frame.columns)}")
    series = pd.Series(frame[column].to_numpy(), index=pd.Index(frame["code"], name="code"), name=f"{kind}_{column}")
    return series
