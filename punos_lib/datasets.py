"""Analysis frames of the declared datasets, read from the snapshot only (never the network).

Each function returns a frame with the standard columns listed in ``docs/architecture.md``:
area codes in StatFin form (``SSS``, ``MK10``, ``KU491``), municipalities on the 2025 division
(:func:`punos_lib.reference.municipalities.harmonize`), ages as ``int`` 0–100 (``100-`` → 100), years as ``int``,
totals (``SSS`` of non-area variables) dropped. Variables are found by their role in the
json-stat2 payload or by a code prefix / text (``ikaryhma…`` or *Ikä*), never by a hard-coded
code, so the same functions read payloads from before and after StatFin's 8 June 2026 renaming.

Every frame carries ``attrs["provenance"]`` = ``{"datasets", "entries", "synthetic",
"attribution", "updated"}``; figures use it for the source line and the demo mark.

Payloads are parsed once per snapshot into the shared frame cache (:mod:`punos_lib.snapshot.cache`,
``<snapshot>/.cache/``), so every notebook and worker reads the parsed frame instead of parsing
again; frames are also kept in memory per (snapshot folder, manifest checksum), so a notebook
that calls a function twice reads once, and a re-fetched snapshot is read afresh.

Examples
--------
>>> from punos_lib import datasets
>>> pop = datasets.population()                          # doctest: +SKIP
>>> pop.query("area == 'MK10' and year == 2024")["population"].sum()   # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from punos_lib import paths
from punos_lib.reference import declarations
from punos_lib.reference.labels import labels as curated_labels
from punos_lib.reference.municipalities import harmonize, load_curated_key, load_mergers
from punos_lib.reference.statfin_codes import is_statistical_area
from punos_lib.reference.regions import COUNTRY, REGIONS
from punos_lib.sources import geo, jsonstat, statfin, vipunen
from punos_lib.errors import InputError, ParseError, SnapshotError
from punos_lib.snapshot import cache as frame_cache
from punos_lib.snapshot import importing
from punos_lib.snapshot.store import Snapshot

__all__ = [
    "load", "population", "municipality_population", "population_projection", "jobs_by_industry",
    "employed_by_industry_residence", "self_sufficiency", "published_self_sufficiency",
    "occupations_by_region", "occupations_by_age", "jobseekers_by_area",
    "jobseekers_by_occupation", "education_supply", "workforce_by_occupation_age", "municipalities",
    "regions", "boundaries", "clear_cache", "workforce_if_imported",
]

SnapLike = Snapshot | str | os.PathLike[str] | None
TO_YEAR = 2025  # the municipal division every series is put on

_CACHE: dict[tuple[str, str, str], Any] = {}


def clear_cache() -> None:
    """Forget every parsed frame (the cache is in memory only)."""
    _CACHE.clear()


def _snapshot(snap: SnapLike) -> Snapshot:
    return snap if isinstance(snap, Snapshot) else Snapshot(snap)


@functools.lru_cache(maxsize=1)
def _inputs_fingerprint() -> str:
    """SHA-256 of everything besides the snapshot an analysis frame depends on: the code and data/.

    The analysis frames read the declaration and the committed classifications as well as the
    payloads, so their shared-cache key covers every ``punos_lib`` module and every file under
    ``data/`` except the snapshot (whose entries' checksums are in the key anyway).
    """
    package = Path(__file__).resolve().parent
    data = paths.data_dir()
    snapshot = paths.snapshot_dir().resolve()
    files = sorted(package.rglob("*.py")) + sorted(
        f for f in data.rglob("*") if f.is_file() and not f.resolve().is_relative_to(snapshot))
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _cached(snap: Snapshot, key: str, build: Callable[[], Any]) -> Any:
    digest = hashlib.sha256(snap.manifest_bytes()).hexdigest()
    full = (str(snap.root.resolve()), digest, key)
    if full not in _CACHE:
        if key.startswith("load:"):
            _CACHE[full] = build()  # load() keeps its parsed frame in the shared cache per dataset
        else:
            # The analysis frames (harmonised, regions added) are shared too: one notebook builds,
            # the others read. Keyed by every entry, since a frame may combine several datasets.
            entries = snap.entries() if snap.exists else []
            _CACHE[full] = frame_cache.frame(snap, entries, build, recipe=f"{key}|{_inputs_fingerprint()}")
    value = _CACHE[full]
    # callers may modify what they get; the cached frame must stay as parsed
    return value.copy() if isinstance(value, pd.DataFrame) else value


def _missing(snap: Snapshot, dataset: str, source: str) -> SnapshotError:
    if source == "import":
        todo = (
            f"add the file with `punos snapshot import FILE --dataset {dataset}` "
            "(see instructions_en in data/datasets.yaml), or run `punos demo` for synthetic data"
        )
    else:
        todo = "run `punos fetch` (real data) or `punos demo` (synthetic example data)"
    where = snap.root if snap.exists else f"{snap.root} (no snapshot there)"
    return SnapshotError(f"dataset {dataset!r} is not in the snapshot at {where}; {todo}")


def _entries(snap: Snapshot, dataset: str) -> list[Any]:
    entries = snap.entries(dataset=dataset) if snap.exists else []
    if not entries:
        source = _declared_source(dataset)
        raise _missing(snap, dataset, source)
    return entries


def _declared_source(dataset: str) -> str:
    try:
        return declarations.get(dataset).source
    except Exception:  # an undeclared id still gets the generic advice
        return "statfin"


def _provenance(snap: Snapshot, ids: Sequence[str]) -> dict[str, Any]:
    entries = [e for d in ids for e in snap.entries(dataset=d)]
    updated: dict[str, str | None] = {}
    for d in ids:
        stamps = [e.updated for e in entries if e.dataset == d and e.updated]
        updated[d] = max(stamps) if stamps else None
    return {
        "datasets": list(ids),
        "entries": [e.id for e in entries],
        "synthetic": any(e.synthetic for e in entries),
        "attribution": sorted({e.attribution for e in entries}),
        "updated": updated,
    }


def _with_provenance(frame: pd.DataFrame, snap: Snapshot, ids: Sequence[str]) -> pd.DataFrame:
    attrs = dict(frame.attrs)
    attrs["provenance"] = _provenance(snap, ids)
    frame.attrs = attrs
    return frame


# ------------------------------------------------------------------------------------------------
# generic loading


def _read_statfin(snap: Snapshot, dataset: str) -> pd.DataFrame:
    entries = _entries(snap, dataset)
    imported = [e for e in entries if e.kind == "import"]
    if imported:
        # A table downloaded by hand from the StatFin web interface (`punos snapshot import`): the
        # .px, json-stat2, PX-JSON and PxWeb Excel readers give the same tidy shape as the API parts.
        return _read_imported(snap, imported[0])
    data = sorted((e for e in entries if e.kind == "data"), key=lambda e: (e.part or 0, e.id))
    if not data:
        raise SnapshotError(
            f"dataset {dataset!r} has no data entries in the snapshot at {snap.root}; "
            "run `punos fetch` or `punos demo`"
        )
    meta_ids = [e.id for e in entries if e.kind == "metadata"]
    metadata = snap.read_json(meta_ids[0]) if meta_ids else None
    bodies = [snap.read_bytes(e.id) for e in data]
    try:
        return statfin.assemble(bodies, metadata)
    except ParseError as exc:
        raise SnapshotError(
            f"dataset {dataset!r}: the stored parts cannot be read together ({exc}); re-create them "
            "with `punos fetch` or `punos demo`"
        ) from exc


def _read_import(snap: Snapshot, dataset: str) -> pd.DataFrame:
    entries = [e for e in _entries(snap, dataset) if e.kind == "import"]
    if not entries:
        raise _missing(snap, dataset, "import")
    return _read_imported(snap, entries[-1])


def _read_imported(snap: Snapshot, entry: Any) -> pd.DataFrame:
    snap.read_bytes(entry.id)  # checks the checksum before the file is parsed
    try:
        return importing.read(snap.path_of(entry.id), entry.media_type)
    except (ParseError, InputError) as exc:
        raise SnapshotError(
            f"dataset {entry.dataset!r}: the imported file {entry.path} cannot be read ({exc}); import it "
            "again with `punos snapshot import`"
        ) from exc


def _key_payloads(snap: Snapshot, dataset: str) -> dict[str, Any]:
    payloads: dict[str, Any] = {}
    for entry in _entries(snap, dataset):
        name = entry.query.get("name") if isinstance(entry.query, dict) else None
        if name is None:
            raise SnapshotError(
                f"snapshot entry {entry.id!r} has no query name (e.g. 'kunta#maakunta'); "
                "re-create the key with `punos fetch` or `punos demo`"
            )
        payloads[name] = snap.read_bytes(entry.id)
    return payloads


def load(dataset_id: str, snap: SnapLike = None) -> pd.DataFrame:
    """The tidy frame of any declared dataset, as stored (no renaming, no harmonisation).

    StatFin tables: the json-stat2 parts assembled into one tidy frame (see
    :func:`punos_lib.sources.statfin.assemble`); imports: the CSV as text columns (or the PC-Axis /
    json-stat2 tidy frame); Vipunen resources: the rows of every page as received
    (:func:`punos_lib.sources.vipunen.read_pages`); classifications: :func:`punos_lib.sources.classifications.read_items`; the
    municipality key: :func:`punos_lib.sources.geo.read_municipality_key`; boundaries: a GeoDataFrame.

    Raises
    ------
    InputError
        The id is not declared (the message lists the valid ids).
    SnapshotError
        The dataset is not in the snapshot (says what to run) or its payloads are corrupt.
    """
    decl = declarations.get(dataset_id)
    snapshot = _snapshot(snap)

    def build() -> Any:
        if decl.source == "statfin":
            return _read_statfin(snapshot, decl.id)
        if decl.source == "import":
            return _read_import(snapshot, decl.id)
        if decl.source == "vipunen":
            pages = sorted((e for e in _entries(snapshot, decl.id) if e.kind == "resource"), key=lambda e: e.part or 1)
            return vipunen.read_pages([snapshot.read_bytes(e.id) for e in pages])
        if decl.source == "classifications" and decl.kind == "key":
            return geo.read_municipality_key(_key_payloads(snapshot, decl.id))
        if decl.source == "classifications":
            from punos_lib.sources import classifications

            entry = [e for e in _entries(snapshot, decl.id) if e.kind == "classification"][0]
            return classifications.read_items(snapshot.read_bytes(entry.id))
        entry = _entries(snapshot, decl.id)[0]
        return geo.read_boundaries(snapshot.read_bytes(entry.id))

    def parsed() -> Any:
        # The one place a payload is parsed: once per snapshot for every notebook and worker,
        # through the shared frame cache keyed by the payloads' checksums.
        return frame_cache.frame(snapshot, _entries(snapshot, decl.id), build, recipe=f"load:{decl.id}")

    frame = _cached(snapshot, f"load:{decl.id}", parsed)
    return _with_provenance(frame, snapshot, [decl.id])


# ------------------------------------------------------------------------------------------------
# finding variables


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c)).lower().strip()


def _dim(frame: pd.DataFrame, dataset: str, *, role: str | None = None, prefixes: Sequence[str] = (),
         texts: Sequence[str] = (), required: bool = True) -> str | None:
    """Code of the dimension with ``role``, or whose code starts with a prefix, or whose text matches."""
    dims = frame.attrs.get("dimensions") or []
    found = None
    if role is not None:
        found = next((d["code"] for d in dims if d.get("role") == role), None)
    if found is None and prefixes:
        found = next((d["code"] for d in dims if _fold(d["code"]).startswith(tuple(prefixes))), None)
    if found is None and texts:
        found = next((d["code"] for d in dims if _fold(d.get("label") or "") in texts), None)
    if found is None and required:
        raise SnapshotError(
            f"dataset {dataset!r}: no {role or '/'.join(prefixes)} variable among "
            f"{[d['code'] for d in dims]}; the stored table is not the declared one; re-fetch it"
        )
    return found


def _per_category(series: pd.Series, func: Callable[[Any], Any]) -> np.ndarray:
    """``func`` applied once per category (not per row) of a categorical column; an object array."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        mapped = np.array([func(c) for c in series.cat.categories], dtype=object)
        return mapped[series.cat.codes.to_numpy()]
    return np.array([func(v) for v in series.to_numpy(dtype=object)], dtype=object)


def _codes(series: pd.Series) -> np.ndarray:
    return _per_category(series, str)


def _years(series: pd.Series) -> np.ndarray:
    return _per_category(series, lambda c: int(str(c))).astype("int64")


def _age(code: Any) -> int:
    return int(str(code).rstrip("-").strip())


_LEVEL_SUFFIX = re.compile(r"\s*\(Taso \d\)$")


def _plain_label(code: str, label: str) -> str:
    """A label without the code in front and the level after it.

    '01 Kasvinviljely' → 'Kasvinviljely'; 115r's '2512 Sovellussuunnittelijat (Taso 4)' →
    'Sovellussuunnittelijat'.
    """
    label = label[len(code) + 1:] if label.startswith(code + " ") else label
    return _LEVEL_SUFFIX.sub("", label)


def _stripped_labels(raw: pd.DataFrame, frame: pd.DataFrame, code: str) -> np.ndarray:
    """Labels without the code StatFin puts in front of some and the level some put after."""
    dim = next(d for d in raw.attrs["dimensions"] if d["code"] == code)
    names = {c: _plain_label(c, label) for c, label in zip(dim["categories"], dim["labels"], strict=True)}
    return _per_category(frame[code], lambda c: names[str(c)])


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical code/label columns as plain text (for small frames such as the key)."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object)
    return out


def _only(frame: pd.DataFrame, code: str | None, dataset: str, keep: str = "SSS") -> pd.DataFrame:
    """Keep the total of an optional dimension (sex), when the payload has that dimension."""
    if code is None or code not in frame.columns:
        return frame
    if (frame[code] == keep).any():
        return frame[frame[code] == keep]
    if frame[code].nunique() == 1:
        return frame
    # Several values and no total: keeping them all would put men and women in one column.
    raise SnapshotError(
        f"dataset {dataset!r}: variable {code!r} has no total {keep!r} (values "
        f"{sorted(map(str, frame[code].unique()))}); select {keep!r} for it in data/datasets.yaml "
        "and run `punos fetch` again"
    )


def _population_contents(frame: pd.DataFrame, contents: str, dataset: str) -> pd.DataFrame:
    """The rows of the population count when the table has several contents."""
    codes = list(dict.fromkeys(map(str, frame[contents])))
    if len(codes) == 1:
        return frame
    labels = dict(zip(map(str, frame[contents]), map(str, frame[f"{contents}_label"]), strict=True))
    # "vaesto" / "vaerak-vaesto" or a label "Väestö 31.12." — not "Väestönmuutos".
    wanted = [c for c in codes
              if re.search(r"(^|-)vaesto$", _fold(c)) or re.match(r"vaesto\b", _fold(labels[c]))]
    if len(wanted) != 1:
        raise SnapshotError(
            f"dataset {dataset!r}: several contents {[(c, labels[c]) for c in codes]} and no single "
            "population count among them; name the one to use under '@contents' in data/datasets.yaml "
            "and run `punos fetch` again"
        )
    return frame[frame[contents].astype(str) == wanted[0]]


def _harmonise(frame: pd.DataFrame, value_cols: list[str]) -> pd.DataFrame:
    """``harmonize`` on the rows a merger touches; every other row passes through unchanged."""
    attrs = dict(frame.attrs)
    mergers = load_mergers()
    touched = {"KU" + str(c).removeprefix("KU").zfill(3) for c in pd.concat([mergers["old_code"], mergers["new_code"]])}
    mask = frame["area"].isin(touched).to_numpy()
    if not mask.any():
        out = frame.reset_index(drop=True)
    else:
        fixed = harmonize(frame[mask], TO_YEAR, code_col="area", value_cols=value_cols)
        out = pd.concat([frame[~mask], fixed], ignore_index=True)
    out.attrs = {**attrs, "harmonized_to": TO_YEAR}
    return out


# ------------------------------------------------------------------------------------------------
# population


def _population_like(dataset: str, snap: Snapshot, by_age: bool) -> pd.DataFrame:
    raw = load(dataset, snap)
    area = _dim(raw, dataset, role="geo", prefixes=("alue",), texts=("alue",))
    time = _dim(raw, dataset, role="time", prefixes=("timeperiod", "vuosi"), texts=("vuosi",))
    age = _dim(raw, dataset, prefixes=("ikaryhma", "ika"), texts=("ika",), required=False)
    sex = _dim(raw, dataset, prefixes=("sukupuoli",), texts=("sukupuoli",), required=False)
    contents = _dim(raw, dataset, role="metric", prefixes=("contentscode", "tiedot"), required=False)
    frame = _only(raw, sex, dataset)
    if contents is not None:
        frame = _population_contents(frame, contents, dataset)
    out = pd.DataFrame({
        "area": _codes(frame[area]),
        "area_name": _codes(frame[f"{area}_label"]),
        "year": _years(frame[time]),
        "population": frame["value"].to_numpy(dtype=float),
    })
    if age is not None:
        ages = _codes(frame[age])
        is_total = ages == "SSS"
        if by_age:
            if is_total.all():
                raise SnapshotError(
                    f"dataset {dataset!r} holds only the age total (no single ages); call with "
                    "by_age=False, or re-fetch with all ages (selection ikaryhma: '*')"
                )
            out = out[~is_total].copy()
            out.insert(2, "age", _per_category(frame[age], lambda c: -1 if c == "SSS" else _age(c))[~is_total]
                       .astype("int64"))
        elif is_total.any():
            out = out[is_total].copy()
        else:
            out = out.groupby(["area", "area_name", "year"], sort=False, as_index=False)["population"].sum()
    elif by_age:
        raise SnapshotError(
            f"dataset {dataset!r} has no age variable (no single ages: it was eliminated when fetched); "
            "call with by_age=False or re-fetch with ages"
        )
    out = out.reset_index(drop=True)
    out.attrs = {}
    out = _harmonise(out, ["population"])
    return _add_regions(out, ["population"])


def _add_regions(frame: pd.DataFrame, value_cols: list[str]) -> pd.DataFrame:
    """Append region (MKxx) rows summed from municipalities when the table has none.

    StatFin 11re and 14wx hold only SSS and municipalities; the study compares regions, so the
    harmonised municipalities are summed by the committed 2025 key (the division they are on).
    """
    areas = frame["area"].astype(str)
    if areas.str.startswith("MK").any():
        return frame
    key = load_curated_key()[["code", "region", "region_name_fi"]]
    munis = frame[areas.str.startswith("KU")].merge(key, left_on="area", right_on="code", how="inner")
    if munis.empty:
        return frame
    keys = [c for c in frame.columns if c not in value_cols and c not in ("area", "area_name")]
    sums = munis.groupby(["region", "region_name_fi", *keys], sort=True, as_index=False)[value_cols].sum(min_count=1)
    sums = sums.rename(columns={"region": "area", "region_name_fi": "area_name"})[list(frame.columns)]
    attrs = dict(frame.attrs)
    out = pd.concat([frame, sums], ignore_index=True)
    out.attrs = attrs
    return out


def population(snap: SnapLike = None, *, by_age: bool = True) -> pd.DataFrame:
    """Population on 31 Dec by area, age and year (StatFin 11re), 2025 municipal division.

    Parameters
    ----------
    snap : Snapshot or path, optional
        Default: the project snapshot.
    by_age : bool
        ``True``: one row per single year of age (0–100); ``False``: totals over ages (the
        payload's ``SSS`` rows, or the sum of ages when it has none); the ``age`` column is absent.

    Returns
    -------
    DataFrame
        ``area, area_name, age, year, population`` (``age`` only when ``by_age``).
    """
    snapshot = _snapshot(snap)
    frame = _cached(snapshot, f"population:{by_age}", lambda: _population_like("population", snapshot, by_age))
    return _with_provenance(frame, snapshot, ["population"])


def municipality_population(snap: SnapLike = None) -> pd.DataFrame:
    """Population on 31 Dec by municipality and year (StatFin 11ra), 2025 municipal division.

    The table gives totals only (no age). Municipalities are harmonised to the 2025 division;
    region rows (MKxx) are summed from them when the table has none, and the whole country
    (``SSS``) is the sum of all municipalities when the table lacks it (every municipality,
    Åland included, is in the table, so the sum is the country's population).

    A snapshot made before this dataset was declared has no 11ra entries; then the same totals
    come from the population table (:func:`population` with ``by_age=False``, StatFin 11re), and
    the provenance names that dataset.

    Returns
    -------
    DataFrame
        ``area, area_name, year, population``.
    """
    snapshot = _snapshot(snap)
    if snapshot.exists and not snapshot.entries(dataset="municipality_population") \
            and snapshot.entries(dataset="population"):
        return population(snapshot, by_age=False)

    def build() -> pd.DataFrame:
        frame = _population_like("municipality_population", snapshot, by_age=False)
        if (frame["area"] == "SSS").any():
            return frame
        munis = frame[frame["area"].astype(str).str.startswith("KU")]
        country = munis.groupby("year", sort=True, as_index=False)["population"].sum(min_count=1)
        country.insert(0, "area", "SSS")
        country.insert(1, "area_name", "KOKO MAA")
        attrs = dict(frame.attrs)
        out = pd.concat([frame, country[list(frame.columns)]], ignore_index=True)
        out.attrs = attrs
        return out

    frame = _cached(snapshot, "municipality_population", build)
    return _with_provenance(frame, snapshot, ["municipality_population"])


def population_projection(snap: SnapLike = None, *, by_age: bool = True) -> pd.DataFrame:
    """Population projection 2024 (StatFin 14wx), harmonised from the 2024 to the 2025 division.

    Returns ``area, area_name, age, year, population``; Mäntyharju KU507 includes Pertunmaa.
    """
    snapshot = _snapshot(snap)
    frame = _cached(snapshot, f"population_projection:{by_age}",
                    lambda: _population_like("population_projection", snapshot, by_age))
    return _with_provenance(frame, snapshot, ["population_projection"])


# ------------------------------------------------------------------------------------------------
# jobs and employed


def _by_industry(dataset: str, snap: Snapshot, value_name: str) -> pd.DataFrame:
    raw = load(dataset, snap)
    area = _dim(raw, dataset, role="geo", prefixes=("alue",), texts=("alue",))
    time = _dim(raw, dataset, role="time", prefixes=("timeperiod", "vuosi"), texts=("vuosi",))
    ind = _dim(raw, dataset, prefixes=("toimiala",), texts=("toimiala", "toimiala 2008"))
    frame = raw[raw[ind] != "SSS"]
    out = pd.DataFrame({
        "area": _codes(frame[area]),
        "area_name": _codes(frame[f"{area}_label"]),
        "industry": _codes(frame[ind]),
        "industry_name": _stripped_labels(raw, frame, ind),
        "year": _years(frame[time]),
        value_name: frame["value"].to_numpy(dtype=float),
    })
    return _harmonise(out, [value_name])


def jobs_by_industry(snap: SnapLike = None) -> pd.DataFrame:
    """Jobs (employed by workplace area) by TOL 2008 industry (StatFin 115h).

    Returns ``area, area_name, industry, industry_name, year, jobs``; ``industry`` holds sections
    (``Q``) and divisions (``86``) as the table has them; the all-industries total is dropped.
    """
    snapshot = _snapshot(snap)
    frame = _cached(snapshot, "jobs_by_industry",
                    lambda: _by_industry("jobs_by_industry", snapshot, "jobs"))
    return _with_provenance(frame, snapshot, ["jobs_by_industry"])


def employed_by_industry_residence(snap: SnapLike = None) -> pd.DataFrame:
    """Employed by area of residence and TOL 2008 industry (StatFin 115i).

    Returns ``area, area_name, industry, industry_name, year, employed``.
    """
    snapshot = _snapshot(snap)
    frame = _cached(snapshot, "employed_by_industry_residence",
                    lambda: _by_industry("employed_by_industry_residence", snapshot, "employed"))
    return _with_provenance(frame, snapshot, ["employed_by_industry_residence"])


def _sum_groups(frame: pd.DataFrame, keys: list[str], over: Sequence[str]) -> pd.DataFrame:
    """Sum ``value`` over the non-total categories of the ``over`` variables, per ``keys``.

    A total category (``SSS``) of a summed variable is left out, so a payload with or without
    totals gives the same sums; a group of missing cells stays missing.
    """
    keep = np.ones(len(frame), dtype=bool)
    for code in over:
        keep &= frame[code].astype(str).to_numpy() != "SSS"
    part = frame.loc[keep, [*keys, "value"]]
    return part.groupby(keys, sort=False, observed=True, as_index=False)["value"].sum(min_count=1)


def _category_by_text(raw: pd.DataFrame, code: str, dataset: str, words: Sequence[str]) -> str:
    """The code of the one category of variable ``code`` whose text contains all ``words``."""
    dim = next(d for d in raw.attrs["dimensions"] if d["code"] == code)
    found = [c for c, label in zip(dim["categories"], dim["labels"], strict=True)
             if all(w in _fold(label) for w in words)]
    if len(found) != 1:
        raise SnapshotError(
            f"dataset {dataset!r}: variable {code!r} has {len(found)} categories whose text contains "
            f"{' '.join(words)!r} (texts {dim['labels']}); the stored table is not the declared one, "
            "re-fetch it"
        )
    return str(found[0])


def _commuting_counts(snap: Snapshot) -> pd.DataFrame:
    """Jobs, those working in their home municipality and in-commuters by workplace area (115p)."""
    dataset = "commuting"
    raw = load(dataset, snap)
    area = _dim(raw, dataset, role="geo", prefixes=("tyopaikan alue", "alue"), texts=("tyopaikan alue",))
    time = _dim(raw, dataset, role="time", prefixes=("timeperiod", "vuosi"), texts=("vuosi",))
    kind = _dim(raw, dataset, prefixes=("pendelointi",), texts=("pendelointi",))
    others = [d["code"] for d in raw.attrs["dimensions"]
              if d["code"] not in (area, time, kind) and d.get("role") != "metric"]
    home = _category_by_text(raw, kind, dataset, ["asuinkunnassa"])
    inward = _category_by_text(raw, kind, dataset, ["alueelle", "pendel"])
    frame = raw[raw[kind].astype(str).isin([home, inward])]
    sums = _sum_groups(frame, [area, time, kind], others)
    sums[kind] = sums[kind].astype(str).map({home: "home", inward: "in_commuters"})
    wide = sums.pivot_table(index=[area, time], columns=kind, values="value", aggfunc="first",
                            dropna=False, observed=True).reset_index()
    names = dict(zip(*(next((d["categories"], d["labels"]) for d in raw.attrs["dimensions"]
                            if d["code"] == area)), strict=True))
    out = pd.DataFrame({
        "area": wide[area].astype(str).to_numpy(dtype=object),
        "area_name": wide[area].astype(str).map(names).to_numpy(dtype=object),
        "year": wide[time].astype(str).astype("int64").to_numpy(),
        "home": wide["home"].to_numpy(dtype=float),
        "in_commuters": wide["in_commuters"].to_numpy(dtype=float),
    })
    out["jobs"] = out["home"] + out["in_commuters"]
    return out


def _employed_residents(snap: Snapshot) -> pd.DataFrame:
    """Employed residents by area (115b main type of activity 'Työlliset', ages summed)."""
    dataset = "employment_status"
    raw = load(dataset, snap)
    area = _dim(raw, dataset, role="geo", prefixes=("alue",), texts=("alue",))
    time = _dim(raw, dataset, role="time", prefixes=("timeperiod", "vuosi"), texts=("vuosi",))
    activity = _dim(raw, dataset, prefixes=("paaasiallinen",), texts=("paaasiallinen toiminta",))
    dim = next(d for d in raw.attrs["dimensions"] if d["code"] == activity)
    employed = [c for c, label in zip(dim["categories"], dim["labels"], strict=True)
                if _fold(label).strip() == "tyolliset"]
    if len(employed) != 1:
        raise SnapshotError(
            f"dataset {dataset!r}: no single category 'Työlliset' in {activity!r} (texts {dim['labels']}); "
            "re-fetch the table"
        )
    contents = _dim(raw, dataset, role="metric", prefixes=("contentscode", "tiedot"), required=False)
    frame = raw[raw[activity].astype(str) == str(employed[0])]
    if contents is not None:
        frame = _population_contents(frame, contents, dataset)
    others = [d["code"] for d in raw.attrs["dimensions"]
              if d["code"] not in (area, time, activity, contents)]
    sums = _sum_groups(frame, [area, time], others)
    return pd.DataFrame({
        "area": sums[area].astype(str).to_numpy(dtype=object),
        "year": sums[time].astype(str).astype("int64").to_numpy(),
        "employed_residents": sums["value"].to_numpy(dtype=float),
    })


def self_sufficiency(snap: SnapLike = None) -> pd.DataFrame:
    """Jobs, employed residents, workplace self-sufficiency and commuting by area (115p + 115b).

    StatFin's 125s holds only the ratio, so the counts come from two tables: jobs by workplace
    area split into those working in their home municipality and in-commuters (115p, education
    levels and the age groups 18–74 summed) and employed residents (115b, the main type of
    activity *Työlliset*, age groups summed). ``jobs`` = working in the home municipality +
    in-commuters; ``out_commuters`` = employed residents − those working in their home
    municipality; ``self_sufficiency`` = jobs / employed residents × 100 (Statistics Finland's
    *työpaikkaomavaraisuus*), recomputed after harmonisation because a ratio cannot be summed
    over merged municipalities. Only years that both tables cover are returned.

    Commuter counts of a municipality that absorbed another one in the data's years are NaN:
    summing them would count commuting between the two, which the merger made internal. Region
    and country rows missing from the payload are summed from municipalities for jobs and employed
    residents only (commuting across a municipal border inside a region is not commuting into it).

    Returns
    -------
    DataFrame
        ``area, area_name, year, jobs, employed_residents, self_sufficiency, in_commuters,
        out_commuters``.
    """
    snapshot = _snapshot(snap)

    def build() -> pd.DataFrame:
        counts = _commuting_counts(snapshot)
        residents = _employed_residents(snapshot)
        out = counts.merge(residents, on=["area", "year"], how="inner")
        out["out_commuters"] = out["employed_residents"] - out["home"]
        out = out[["area", "area_name", "year", "jobs", "employed_residents", "in_commuters", "out_commuters"]]
        mergers = load_mergers()
        present = set(out["area"])
        absorbed = {new for old, new in zip(mergers["old_code"], mergers["new_code"], strict=True) if old in present}
        out = _harmonise(out, ["jobs", "employed_residents", "in_commuters", "out_commuters"])
        # Commuting between two merged municipalities becomes internal: their summed in- and
        # out-commuters would be too high, so those cells are left unknown rather than wrong.
        merged_rows = out["area"].isin(absorbed).to_numpy()
        out.loc[merged_rows, ["in_commuters", "out_commuters"]] = np.nan
        out = _add_area_totals(out, ["jobs", "employed_residents"], ["in_commuters", "out_commuters"])
        out.insert(5, "self_sufficiency", out["jobs"] / out["employed_residents"] * 100.0)
        return out.reset_index(drop=True)

    frame = _cached(snapshot, "self_sufficiency", build)
    return _with_provenance(frame, snapshot, ["commuting", "employment_status"])


def _add_area_totals(frame: pd.DataFrame, summable: list[str], unknown: list[str]) -> pd.DataFrame:
    """Region and country rows summed from municipalities where the payload has none.

    ``unknown`` columns (commuter counts) are NaN in the summed rows: a sum of municipalities'
    in-commuters counts commuting inside the region too.
    """
    key = load_curated_key()[["code", "region", "region_name_fi"]]
    munis = frame[frame["area"].astype(str).str.startswith("KU")].merge(
        key, left_on="area", right_on="code", how="inner")
    if munis.empty:
        return frame
    have = set(zip(frame["area"], frame["year"], strict=True))
    regional = munis.groupby(["region", "region_name_fi", "year"], as_index=False)[summable].sum(min_count=1)
    regional = regional.rename(columns={"region": "area", "region_name_fi": "area_name"})
    country = munis.groupby("year", as_index=False)[summable].sum(min_count=1)
    country.insert(0, "area", "SSS")
    country.insert(1, "area_name", "KOKO MAA")
    added = pd.concat([regional, country], ignore_index=True)
    added = added[[(a, y) not in have for a, y in zip(added["area"], added["year"], strict=True)]]
    for col in unknown:
        added[col] = np.nan
    attrs = dict(frame.attrs)
    out = pd.concat([frame, added[list(frame.columns)]], ignore_index=True)
    out.attrs = attrs
    return out


def published_self_sufficiency(snap: SnapLike = None) -> pd.DataFrame:
    """Workplace self-sufficiency as StatFin publishes it (125s; its only content), by area.

    A ratio, so municipalities merged since the data's years are NaN rather than summed (use
    :func:`self_sufficiency`, which recomputes it from counts, for the 2025 division).

    Returns ``area, area_name, year, self_sufficiency`` (percent).
    """
    snapshot = _snapshot(snap)

    def build() -> pd.DataFrame:
        dataset = "self_sufficiency"
        raw = load(dataset, snapshot)
        area = _dim(raw, dataset, role="geo", prefixes=("alue",), texts=("alue",))
        time = _dim(raw, dataset, role="time", prefixes=("timeperiod", "vuosi"), texts=("vuosi",))
        contents = _dim(raw, dataset, role="metric", prefixes=("contentscode", "tiedot"), required=False)
        frame = raw
        if contents is not None:
            codes = [str(c) for c in dict.fromkeys(map(str, raw[contents]))]
            ratio = [c for c in codes if "omavaraisuus" in _fold(c)]
            if len(ratio) != 1:
                raise SnapshotError(
                    f"dataset {dataset!r}: no single self-sufficiency content among {codes}; re-fetch 125s"
                )
            frame = raw[raw[contents].astype(str) == ratio[0]]
        out = pd.DataFrame({
            "area": _codes(frame[area]),
            "area_name": _codes(frame[f"{area}_label"]),
            "year": _years(frame[time]),
            "self_sufficiency": frame["value"].to_numpy(dtype=float),
        })
        # a merged municipality's ratio cannot be derived from its parts' ratios
        mergers = load_mergers()
        present = set(out["area"])
        absorbed = {new for old, new in zip(mergers["old_code"], mergers["new_code"], strict=True) if old in present}
        out = out[~out["area"].isin(set(mergers["old_code"]))].reset_index(drop=True)
        out.loc[out["area"].isin(absorbed), "self_sufficiency"] = np.nan
        return out

    frame = _cached(snapshot, "published_self_sufficiency", build)
    return _with_provenance(frame, snapshot, ["self_sufficiency"])


def _occupation(raw: pd.DataFrame, dataset: str) -> str:
    return _dim(raw, dataset, prefixes=("ammatti",), texts=("ammattiryhma", "ammatti"))  # type: ignore[return-value]


# occupation totals: SSS in 115s/12ti, SSSSS in 115r (ammatti_104_20161021, DOMAIN.md)
_OCCUPATION_TOTALS = ("SSS", "SSSSS")


def _occupation_rows(raw: pd.DataFrame, occ: str) -> np.ndarray:
    """Rows of real occupation groups: no total, no dotted level-5 copy ('2512.') of a group.

    115r lists each 4-digit group that has no finer split once more at level 5 with a dot; keeping
    both would count those people twice in any sum over codes.
    """
    codes = _codes(raw[occ])
    dotted = np.array([c.endswith(".") for c in codes], dtype=bool)
    return ~np.isin(codes, _OCCUPATION_TOTALS) & ~dotted


def occupations_by_region(snap: SnapLike = None) -> pd.DataFrame:
    """Employed by AML 2010 occupation and region (StatFin 115s).

    Returns ``area, area_name, occupation, occupation_name, year, employed`` (total dropped).
    """
    snapshot = _snapshot(snap)

    def build() -> pd.DataFrame:
        dataset = "occupations_by_region"
        raw = load(dataset, snapshot)
        area = _dim(raw, dataset, role="geo", prefixes=("alue",), texts=("alue",))
        time = _dim(raw, dataset, role="time", prefixes=("timeperiod", "vuosi"), texts=("vuosi",))
        occ = _occupation(raw, dataset)
        frame = raw[_occupation_rows(raw, occ)]
        return pd.DataFrame({
            "area": _codes(frame[area]),
            "area_name": _codes(frame[f"{area}_label"]),
            "occupation": _codes(frame[occ]),
            "occupation_name": _stripped_labels(raw, frame, occ),
            "year": _years(frame[time]),
            "employed": frame["value"].to_numpy(dtype=float),
        })

    frame = _cached(snapshot, "occupations_by_region", build)
    return _with_provenance(frame, snapshot, ["occupations_by_region"])


def occupations_by_age(snap: SnapLike = None) -> pd.DataFrame:
    """Employed by AML 2010 occupation and age group, whole country (StatFin 115r).

    Returns ``occupation, occupation_name, age_group, year, employed``; ``age_group`` keeps the
    table's codes (ten-year groups ``"18-24"`` … ``"65-74"`` in the real 115r); totals (``SSSSS``,
    ``SSS``) and the dotted level-5 copies of 4-digit groups dropped, so occupation levels 1–4
    remain; labels lose their "(Taso N)" suffix.
    """
    snapshot = _snapshot(snap)

    def build() -> pd.DataFrame:
        dataset = "occupations_by_age"
        raw = load(dataset, snapshot)
        time = _dim(raw, dataset, role="time", prefixes=("timeperiod", "vuosi"), texts=("vuosi",))
        occ = _occupation(raw, dataset)
        age = _dim(raw, dataset, prefixes=("ikaryhma", "ika"), texts=("ika",))
        frame = raw[_occupation_rows(raw, occ) & (_codes(raw[age]) != "SSS")]
        return pd.DataFrame({
            "occupation": _codes(frame[occ]),
            "occupation_name": _stripped_labels(raw, frame, occ),
            "age_group": _codes(frame[age]),
            "year": _years(frame[time]),
            "employed": frame["value"].to_numpy(dtype=float),
        })

    frame = _cached(snapshot, "occupations_by_age", build)
    return _with_provenance(frame, snapshot, ["occupations_by_age"])


# ------------------------------------------------------------------------------------------------
# jobseekers (tyonv: content codes did not change in 2026)

_TYONV_CONTENTS: list[tuple[str, str]] = [
    ("unemployed", "TYOTTOMATLOPUSSA"),
    ("labour_force", "TYOVOIMATK"),
    ("vacancies", "AVPAIKATLOPUSSA"),
]


def _tyonv(dataset: str, snap: Snapshot, wanted: list[str], with_occupation: bool) -> pd.DataFrame:
    raw = load(dataset, snap)
    area = _dim(raw, dataset, role="geo", prefixes=("alue",), texts=("alue",))
    time = _dim(raw, dataset, role="time", prefixes=("timeperiod", "kuukausi"), texts=("kuukausi",))
    contents = _dim(raw, dataset, role="metric", prefixes=("contentscode", "tiedot"))
    occ = _occupation(raw, dataset) if with_occupation else None
    # Codes for an unknown area or abroad (KU199, MKJO, …) are no place: dropped.
    keep = np.array([is_statistical_area(c) for c in _codes(raw[area])], dtype=bool)
    if occ is not None:
        keep &= _codes(raw[occ]) != "SSS"
    frame = raw[keep]
    # contents by code; a table prefix ("tyonv-") is ignored should one ever be added
    stems = dict(_TYONV_CONTENTS)
    column_of: dict[str, str] = {}
    for code in frame[contents].cat.categories if isinstance(frame[contents].dtype, pd.CategoricalDtype) \
            else frame[contents].unique():
        bare = str(code).upper().rsplit("-", 1)[-1]
        for col in wanted:
            if bare == stems[col] and col not in column_of.values():
                column_of[str(code)] = col
    lacking = [c for c in wanted if c not in column_of.values()]
    if lacking:
        raise SnapshotError(
            f"dataset {dataset!r}: contents for {lacking} not found among "
            f"{sorted(map(str, frame[contents].unique()))}; check the table or the declaration"
        )
    columns = _per_category(frame[contents], lambda c: column_of.get(str(c), ""))
    keep = columns != ""
    frame = frame[keep]
    keys = [area] + ([occ] if occ is not None else []) + [time]
    long = pd.DataFrame({k: _codes(frame[k]) for k in keys})
    long["_col"] = columns[keep]
    long["value"] = frame["value"].to_numpy(dtype=float)
    # row order of the payload is kept: keys appear in blocks, contents vary inside them
    wide = long.set_index([*keys, "_col"])["value"].unstack("_col")
    wide = wide.reindex(pd.MultiIndex.from_frame(long[keys].drop_duplicates())).reset_index()
    labels = {k: dict(zip(next(d for d in raw.attrs["dimensions"] if d["code"] == k)["categories"],
                          next(d for d in raw.attrs["dimensions"] if d["code"] == k)["labels"], strict=True))
              for k in keys}
    result = pd.DataFrame({"area": wide[area].to_numpy(dtype=object),
                           "area_name": wide[area].map(labels[area]).to_numpy(dtype=object)})
    if occ is not None:
        result["occupation"] = wide[occ].to_numpy(dtype=object)
        stripped = {c: _plain_label(c, lb) for c, lb in labels[occ].items()}
        result["occupation_name"] = wide[occ].map(stripped).to_numpy(dtype=object)
    result["month"] = wide[time].to_numpy(dtype=object)
    for col in wanted:
        result[col] = wide[col].to_numpy(dtype=float)
    return result


def jobseekers_by_area(snap: SnapLike = None) -> pd.DataFrame:
    """Unemployed jobseekers, labour force and open vacancies at month end (StatFin 12r5).

    Returns ``area, area_name, month ("2023M10"), unemployed, labour_force, vacancies``;
    municipalities harmonised to the 2025 division; the codes for an unknown area or abroad
    (``KU199``, ``KUJOU``, ``SK902``, ``SKJOU``, ``MK91``, ``MKJO``, ``ELY80``, ``ELYJO``) dropped.
    """
    snapshot = _snapshot(snap)

    def build() -> pd.DataFrame:
        frame = _tyonv("jobseekers_by_area", snapshot, ["unemployed", "labour_force", "vacancies"], False)
        return _harmonise(frame, ["unemployed", "labour_force", "vacancies"])

    frame = _cached(snapshot, "jobseekers_by_area", build)
    return _with_provenance(frame, snapshot, ["jobseekers_by_area"])


def jobseekers_by_occupation(snap: SnapLike = None) -> pd.DataFrame:
    """Unemployed jobseekers and open vacancies by occupation at month end (StatFin 12ti).

    Returns ``area, area_name, occupation, occupation_name, month, unemployed, vacancies``;
    suppressed small cells are NaN.
    """
    snapshot = _snapshot(snap)
    frame = _cached(snapshot, "jobseekers_by_occupation",
                    lambda: _tyonv("jobseekers_by_occupation", snapshot, ["unemployed", "vacancies"], True))
    return _with_provenance(frame, snapshot, ["jobseekers_by_occupation"])


# ------------------------------------------------------------------------------------------------
# imports


def _labels(kind: Literal["tol2008", "aml2010", "koulutusala2016"]) -> pd.Series:
    return curated_labels(kind)


def _import_frame(dataset: str, snap: Snapshot) -> pd.DataFrame:
    raw = load(dataset, snap)
    decl = declarations.get(dataset)
    lacking = [c for c in decl.columns if c not in raw.columns]
    if lacking:
        raise SnapshotError(
            f"dataset {dataset!r}: the imported file lacks columns {lacking} (has {list(raw.columns)}); "
            f"import a file with columns {list(decl.columns)}"
        )
    return raw


def _numbers(series: pd.Series, dataset: str, column: str, *, required: bool = False) -> np.ndarray:
    """Numbers of an imported column; blank cells are NaN (suppressed) unless ``required``."""
    values = pd.to_numeric(series.replace("", np.nan), errors="coerce")
    bad = series[values.isna() & (series != "")]
    if len(bad):
        raise SnapshotError(
            f"dataset {dataset!r}: column {column!r} has a non-number {bad.iloc[0]!r} in data row "
            f"{int(bad.index[0]) + 1}; fix the file and import it again"
        )
    if required and values.isna().any():
        row = int(values.index[values.isna()][0]) + 1
        raise SnapshotError(
            f"dataset {dataset!r}: column {column!r} is blank in data row {row}; every row needs it, "
            "fix the file and import it again"
        )
    return values.to_numpy(dtype=float)


#: Levels of education in the education frames: vocational (the hand import) and the two sectors
#: of higher education (Vipunen's ``Sektori``, recognised by these words in its name).
HIGHER_EDUCATION_LEVELS: tuple[tuple[str, str], ...] = (("ammattikorkea", "amk"), ("yliopisto", "yliopisto"))
#: Vipunen count fields of the higher-education resource → the ``measure`` codes of the frames.
_HIGHER_EDUCATION_MEASURES = {"Uudet opiskelijat": "uudet_opiskelijat", "Tutkinnot": "tutkinnot"}
#: Names of the unknown field that Vipunen may use besides the classification's own name.
_UNKNOWN_FIELD = {"tuntematon": "99", "tuntematon koulutusala": "99"}


def _koulutusala_lookup() -> dict[tuple[str, str], str]:
    """(parent code, folded name) → Koulutusala 2016 code; level 1 has parent ``""``."""
    names = _labels("koulutusala2016")
    return {("" if len(code) == 2 else code[:-1], _fold(str(name))): code for code, name in names.items()}


def _field_code(names: Sequence[Any], lookup: dict[tuple[str, str], str]) -> str | None:
    """The deepest Koulutusala 2016 code the names of levels 1–3 reach (None: level 1 unknown)."""
    parent, code = "", None
    for name in names:
        if not isinstance(name, str) or not name.strip():
            break
        found = lookup.get((parent, _fold(name)))
        if found is None and parent == "":
            found = _UNKNOWN_FIELD.get(_fold(name))
        if found is None:
            break
        parent = code = found
    return code


def _higher_education_frame(snap: Snapshot) -> pd.DataFrame:
    raw = load("higher_education", snap)
    dataset = "higher_education"
    needed = ["Tilastovuosi", "Sektori", "Koulutusala taso 1", "Koulutusala taso 2", "Koulutusala taso 3",
              "koulutuksen_maakunta", *_HIGHER_EDUCATION_MEASURES]
    lacking = [c for c in needed if c not in raw.columns]
    if lacking:
        raise SnapshotError(
            f"dataset {dataset!r}: the Vipunen rows lack the fields {lacking} (they have {list(raw.columns)}); "
            "the resource has changed: compare its field list (GET /api/resources/opiskelijat_ja_tutkinnot) with "
            "punos_lib.sources.vipunen.HIGHER_EDUCATION_FIELDS"
        )
    if raw.empty:
        raise SnapshotError(f"dataset {dataset!r}: the Vipunen resource has no rows; run `punos fetch` again")
    years = pd.to_numeric(raw["Tilastovuosi"], errors="coerce")
    if years.isna().any():
        bad = raw.loc[years.isna(), "Tilastovuosi"].iloc[0]
        raise SnapshotError(f"dataset {dataset!r}: Tilastovuosi {bad!r} is not a year")
    sectors = raw["Sektori"].astype(str)
    level = pd.Series(None, index=raw.index, dtype=object)
    for word, code in HIGHER_EDUCATION_LEVELS:
        level[sectors.map(_fold).str.contains(word, regex=False) & level.isna()] = code
    if level.isna().any():
        unknown = sorted(sectors[level.isna()].unique())
        raise SnapshotError(f"dataset {dataset!r}: unknown Sektori {unknown}; expected universities of applied "
                            "sciences (ammattikorkeakoulu) or universities (yliopisto)")
    lookup = _koulutusala_lookup()
    triples = raw[["Koulutusala taso 1", "Koulutusala taso 2", "Koulutusala taso 3"]].astype(object)
    keys = list(triples.itertuples(index=False, name=None))
    codes = {key: _field_code(key, lookup) for key in dict.fromkeys(keys)}
    unknown_fields = sorted({str(k[0]) for k, c in codes.items() if c is None})
    if unknown_fields:
        raise SnapshotError(
            f"dataset {dataset!r}: fields of education {unknown_fields} are not Koulutusala 2016 names of "
            "data/classifications/koulutusala2016.csv; add the names there or check the resource"
        )
    region_of = {_fold(name): code for code, name in REGIONS.items()}
    areas = raw["koulutuksen_maakunta"].map(lambda n: region_of.get(_fold(n)) if isinstance(n, str) else None)
    base = pd.DataFrame({"area": areas.to_numpy(dtype=object), "year": years.astype("int64").to_numpy(),
                         "level": level.to_numpy(dtype=object),
                         "field": np.array([codes[k] for k in keys], dtype=object)})
    long = []
    for name, measure in _HIGHER_EDUCATION_MEASURES.items():
        values = pd.to_numeric(raw[name], errors="coerce").to_numpy(dtype=float)
        long.append(base.assign(measure=measure, value=values))
    rows = pd.concat(long, ignore_index=True)
    keys_ = ["area", "year", "level", "field", "measure"]
    regions = rows.dropna(subset=["area"]).groupby(keys_, sort=True)["value"].sum(min_count=1).reset_index()
    country = (rows.groupby(keys_[1:], sort=True)["value"].sum(min_count=1).reset_index()
               .assign(area=COUNTRY)[keys_ + ["value"]])
    out = pd.concat([regions, country], ignore_index=True)
    out.insert(4, "field_name", out["field"].map(_labels("koulutusala2016")).to_numpy(dtype=object))
    unplaced = sorted({str(n) for n, a in zip(raw["koulutuksen_maakunta"], areas) if pd.isna(a)})
    out.attrs["unplaced_regions"] = unplaced  # counted in the whole country only
    return out


def _vocational_frame(snap: Snapshot) -> pd.DataFrame:
    raw = _import_frame("education_supply", snap)
    names = _labels("koulutusala2016")
    return pd.DataFrame({
        "area": raw["region"].to_numpy(dtype=object),
        "year": _numbers(raw["year"], "education_supply", "year", required=True).astype("int64"),
        "level": raw["level"].to_numpy(dtype=object),
        "field": raw["field"].to_numpy(dtype=object),
        "field_name": raw["field"].map(names).to_numpy(dtype=object),
        "measure": raw["measure"].to_numpy(dtype=object),
        "value": _numbers(raw["value"], "education_supply", "value"),
    })


def education_supply(snap: SnapLike = None) -> pd.DataFrame:
    """New students and degrees by region, Koulutusala 2016 field and level of education.

    Two declared datasets: ``higher_education`` (fetched from Vipunen's open API: universities
    of applied sciences ``amk`` and universities ``yliopisto`` by the region where the education
    is given; regions and ``SSS``) and ``education_supply`` (the hand import of what has no open
    API: vocational education by region). Either may be absent. Real and example data are never
    mixed: when one of the two is real and the other synthetic, only the real one is used and
    the other is named in ``attrs["left_out"]``.

    Returns ``area, year, level, field, field_name, measure, value``; ``attrs["levels"]`` lists
    the levels present, ``attrs["unplaced_regions"]`` Vipunen region names that are no region
    (counted in ``SSS`` only).

    Raises
    ------
    SnapshotError
        Neither dataset is in the snapshot (says what to run), the Vipunen rows lack a field or
        name an unknown field of education, or the import repeats a level Vipunen provides.
    """
    snapshot = _snapshot(snap)
    present = [d for d in ("higher_education", "education_supply")
               if snapshot.exists and snapshot.entries(dataset=d)]
    if not present:
        where = snapshot.root if snapshot.exists else f"{snapshot.root} (no snapshot there)"
        raise SnapshotError(
            f"datasets 'higher_education' and 'education_supply' are not in the snapshot at {where}; run "
            "`punos fetch --dataset higher_education` for the higher-education statistics and add vocational "
            "education with `punos snapshot import FILE --dataset education_supply`, or run `punos demo` for "
            "synthetic example data"
        )
    real = [d for d in present if not snapshot.synthetic(d)]
    used = real if real else present
    builders = {"higher_education": _higher_education_frame, "education_supply": _vocational_frame}
    frames = {d: _cached(snapshot, f"education:{d}", functools.partial(builders[d], snapshot)) for d in used}
    unplaced = frames["higher_education"].attrs.get("unplaced_regions", []) if "higher_education" in frames else []
    if len(frames) == 2:
        repeated = sorted(set(frames["education_supply"]["level"].astype(str))
                          & {code for _, code in HIGHER_EDUCATION_LEVELS})
        if repeated:
            raise SnapshotError(
                f"dataset 'education_supply': the import has rows of level {repeated}, which come from Vipunen "
                "(dataset 'higher_education'); import vocational education only (level 'ammatillinen')"
            )
    frame = pd.concat(list(frames.values()), ignore_index=True)
    frame = _with_provenance(frame, snapshot, used)
    frame.attrs.update({"left_out": [d for d in present if d not in used],
                        "levels": list(dict.fromkeys(frame["level"].astype(str))),
                        "unplaced_regions": list(unplaced)})
    return frame


def workforce_by_occupation_age(snap: SnapLike = None) -> pd.DataFrame:
    """Employed by workplace region, AML 2010 occupation and age group (Vipunen import).

    Returns ``area, year, occupation, occupation_name, age_group, employed``.
    """
    snapshot = _snapshot(snap)

    def build() -> pd.DataFrame:
        raw = _import_frame("workforce_by_occupation_age", snapshot)
        names = _labels("aml2010")
        return pd.DataFrame({
            "area": raw["region"].to_numpy(dtype=object),
            "year": _numbers(raw["year"], "workforce_by_occupation_age", "year", required=True).astype("int64"),
            "occupation": raw["occupation"].to_numpy(dtype=object),
            "occupation_name": raw["occupation"].map(names).to_numpy(dtype=object),
            "age_group": raw["age_group"].to_numpy(dtype=object),
            "employed": _numbers(raw["value"], "workforce_by_occupation_age", "value"),
        })

    frame = _cached(snapshot, "workforce_by_occupation_age", build)
    return _with_provenance(frame, snapshot, ["workforce_by_occupation_age"])


def workforce_if_imported(snap: SnapLike = None) -> pd.DataFrame | None:
    """:func:`workforce_by_occupation_age`, or ``None`` when the snapshot has no such import.

    ``workforce_by_occupation_age`` is a hand import (no open StatFin table crosses occupation,
    age and region), so a snapshot may lack it; the study then uses the whole country's age
    structure (:func:`occupations_by_age`) and says so. A snapshot that has the import but cannot
    read it raises the loader's error: only a missing import gives ``None``.
    """
    snapshot = _snapshot(snap)
    if not snapshot.entries(dataset="workforce_by_occupation_age"):
        return None
    return workforce_by_occupation_age(snapshot)


# ------------------------------------------------------------------------------------------------
# areas


def municipalities(snap: SnapLike = None) -> pd.DataFrame:
    """The municipalities of the key in the snapshot, with approximate centres.

    Names, regions, sub-regions and employment areas come from the snapshot's municipality key;
    ``x_km``/``y_km`` (approximate centres, EPSG:3067 km, for tile grids) from the committed
    ``data/classifications/municipalities_2025.csv``.

    Returns
    -------
    DataFrame
        ``area (KUxxx), name_fi, name_sv, name_en, region (MKxx), region_name_fi, subregion,
        subregion_name_fi, employment_area, employment_area_name_fi, x_km, y_km`` (the names
        missing when the key has none). The code column is ``area`` as in every other frame
        here, so maps and analysis join on it without renaming.
    """
    snapshot = _snapshot(snap)

    def build() -> pd.DataFrame:
        key = _plain(load("municipality_key", snapshot))
        centres = load_curated_key()[["code", "x_km", "y_km"]]
        out = key.merge(centres, on="code", how="left").rename(columns={"code": "area"})
        for named in ("subregion_name_fi", "employment_area_name_fi"):
            if named not in out.columns:
                out[named] = pd.NA
        cols = ["area", "name_fi", "name_sv", "name_en", "region", "region_name_fi", "subregion",
                "subregion_name_fi", "employment_area", "employment_area_name_fi", "x_km", "y_km"]
        return out[cols].reset_index(drop=True)

    frame = _cached(snapshot, "municipalities", build)
    return _with_provenance(frame, snapshot, ["municipality_key"])


def regions(snap: SnapLike = None) -> pd.DataFrame:
    """The regions (maakunnat) of the key in the snapshot: ``region, region_name_fi, region_name_en``."""
    snapshot = _snapshot(snap)

    def build() -> pd.DataFrame:
        key = _plain(load("municipality_key", snapshot))
        out = key[["region", "region_name_fi", "region_name_en"]].drop_duplicates("region")
        return out.sort_values("region").reset_index(drop=True)

    frame = _cached(snapshot, "regions", build)
    return _with_provenance(frame, snapshot, ["municipality_key"])


_BOUNDARY_DATASETS = {"municipality": "municipality_boundaries", "region": "region_boundaries"}


def boundaries(snap: SnapLike = None, level: Literal["municipality", "region"] = "municipality") -> Any:
    """Boundaries as a GeoDataFrame (EPSG:3067), or ``None`` when the snapshot has none.

    The area code column is ``area`` (``KUxxx`` or ``MKxx``), as in the other frames. ``None``
    is the documented answer for a snapshot without boundaries (the demo never has any); maps
    then draw a tile grid instead.
    """
    from punos_lib.errors import InputError

    if level not in _BOUNDARY_DATASETS:
        raise InputError(f"level must be one of {', '.join(_BOUNDARY_DATASETS)}, not {level!r}")
    snapshot = _snapshot(snap)
    dataset = _BOUNDARY_DATASETS[level]
    if not snapshot.exists or not snapshot.entries(dataset=dataset):
        return None
    return load(dataset, snapshot).rename(columns={"code": "area"})


