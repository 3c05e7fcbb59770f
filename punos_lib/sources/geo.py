"""Boundaries, the municipality key, municipal-merger harmonisation and tile-grid positions.

Boundaries
    Statistics Finland's WFS (``https://geo.stat.fi/geoserver/tilastointialueet/wfs``, CC BY 4.0,
    "Lähde: Tilastokeskus"), layers ``tilastointialueet:{kunta|maakunta|seutukunta|tyossakayntialue}
    {1000k|4500k}_YYYY``. :func:`wfs_url` builds the GetFeature request (GeoJSON in EPSG:3067),
    :func:`fetch_boundaries` returns the raw bytes and :func:`read_boundaries` parses them (any
    GeoJSON of these layers, also the National Land Survey's ``NATCODE``/``NAMEFIN`` files) into a
    GeoDataFrame in EPSG:3067. The base URL can be moved with ``PUNOS_GEO_URL``.

Area codes (StatFin form, as in the PxWeb tables)
    municipality ``KU`` + 3 digits (``KU491``), region ``MK`` + 2 digits (``MK10``), sub-region
    ``SK`` + 3 digits (``SK101``), commuting area (työssäkäyntialue, WFS layer
    ``tyossakayntialue``) ``TA`` + 2 digits. The employment areas of the 2025 reform
    (työllisyysalue, classification ``tyollisyysalue``) have no StatFin prefix; the key keeps their
    classification code as text (``"23"``).

Municipality key
    :func:`municipality_key` builds the municipality → region, sub-region and employment area key
    from the classification API (:func:`municipality_key_requests` lists the requests,
    :func:`read_municipality_key` parses the stored payloads). :func:`load_curated_key` reads the
    committed ``data/classifications/municipalities_2025.csv`` into the same columns (plus the
    approximate centre ``x_km``, ``y_km`` in EPSG:3067 used for tile grids).

Harmonisation
    :func:`harmonize` puts a municipality-level series on one division by summing merged
    municipalities into their successor (Pertunmaa KU588 into Mäntyharju KU507 from 2025).
    Mergers come from ``data/classifications/municipality_mergers.csv`` (:func:`load_mergers`) or
    from the classification API's year-to-year municipality correspondence (:func:`read_mergers`).

Tile grids
    :func:`tile_grid` and :func:`region_tile_grid` give one equal tile per area on a small grid,
    placed roughly geographically, for tile-grid maps.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

import geopandas as gpd
import httpx
import numpy as np
import pandas as pd
import shapely

from punos_lib import paths
from punos_lib.sources._http import HttpSession, json_problem
from punos_lib.sources.classifications import ClassificationClient, _get_bytes, read_correspondence, read_items
from punos_lib.errors import DataSourceError, InputError, ParseError, ValidationError

__all__ = [
    "DEFAULT_BASE_URL",
    "LAYERS",
    "SCALES",
    "KEY_COLUMNS",
    "wfs_url",
    "fetch_boundaries",
    "read_boundaries",
    "boundaries",
    "municipality_key_requests",
    "municipality_key",
    "read_municipality_key",
    "load_curated_key",
    "load_mergers",
    "read_mergers",
    "harmonize",
    "tile_grid",
    "region_tile_grid",
]

DEFAULT_BASE_URL = "https://geo.stat.fi/geoserver/tilastointialueet/wfs"
Layer = Literal["kunta", "maakunta", "seutukunta", "tyossakayntialue"]
Scale = Literal["1000k", "4500k"]
LAYERS: tuple[str, ...] = ("kunta", "maakunta", "seutukunta", "tyossakayntialue")
SCALES: tuple[str, ...] = ("1000k", "4500k")
#: First year of the statistical-area layers on geo.stat.fi.
FIRST_YEAR = 2013

_PREFIX = {"kunta": ("KU", 3), "maakunta": ("MK", 2), "seutukunta": ("SK", 3), "tyossakayntialue": ("TA", 2)}

#: Columns of the municipality key (read_municipality_key, load_curated_key).
KEY_COLUMNS: tuple[str, ...] = (
    "code",
    "name_fi",
    "name_sv",
    "name_en",
    "region",
    "region_name_fi",
    "region_name_sv",
    "region_name_en",
    "subregion",
    "subregion_name_fi",
    "employment_area",
    "employment_area_name_fi",
)
#: Employment areas (työllisyysalueet) exist in the classifications from this year on.
EMPLOYMENT_AREAS_FROM = 2025


# ---------------------------------------------------------------------------------------------
# boundaries
# ---------------------------------------------------------------------------------------------
def _check_layer(layer: str, scale: str, year: int) -> None:
    if layer not in LAYERS:
        raise InputError(f"unknown boundary layer {layer!r}: use one of {', '.join(LAYERS)}")
    if scale not in SCALES:
        raise InputError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)} (1:1,000,000 or 1:4,500,000)")
    last = _dt.date.today().year + 1
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not FIRST_YEAR <= year <= last:
        raise InputError(f"boundary year {year!r} out of range: geo.stat.fi has the layers for {FIRST_YEAR}–{last}")


def wfs_url(layer: Layer, year: int, scale: Scale = "1000k", *, base_url: str | None = None) -> str:
    """The WFS GetFeature URL of one statistical-area layer, GeoJSON in EPSG:3067.

    Examples
    --------
    >>> url = wfs_url("kunta", 2025, base_url="https://geo.stat.fi/geoserver/tilastointialueet/wfs")
    >>> url.split("?")[1].split("&")  # doctest: +NORMALIZE_WHITESPACE
    ['service=WFS', 'version=2.0.0', 'request=GetFeature', 'typeNames=tilastointialueet%3Akunta1000k_2025',
     'outputFormat=application%2Fjson', 'srsName=EPSG%3A3067']
    """
    _check_layer(layer, scale, year)
    base = (base_url or os.environ.get("PUNOS_GEO_URL") or DEFAULT_BASE_URL).rstrip("/")
    query = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": f"tilastointialueet:{layer}{scale}_{int(year)}",
        "outputFormat": "application/json",
        "srsName": "EPSG:3067",
    }
    return f"{base}?{urlencode(query)}"


def _wfs_problem(response: httpx.Response) -> str | None:
    # An XML answer is a WFS ExceptionReport: a definite refusal, not a broken body, so it is
    # returned (not retried) and turned into a DataSourceError by the caller.
    if response.content.lstrip()[:1] == b"<":
        return None
    return json_problem(response)


def _exception_text(xml: bytes) -> str:
    text = xml.decode("utf-8", "replace")
    found = re.findall(r"<(?:\w+:)?ExceptionText>(.*?)</(?:\w+:)?ExceptionText>", text, flags=re.S)
    return " ".join(" ".join(found).split())[:300] if found else " ".join(text.split())[:300]


def fetch_boundaries(
    layer: Layer, year: int, scale: Scale = "1000k", *, session: HttpSession | None = None
) -> bytes:
    """Fetch one boundary layer from the WFS; return the GeoJSON bytes exactly as received.

    Raises
    ------
    InputError
        Unknown layer or scale, year out of range.
    DataSourceError
        The WFS answered an ExceptionReport (e.g. an unknown layer for that year) or an error status.
    OfflineError, ResponseError
        From the HTTP layer (offline switch; broken or truncated bodies after the retries).
    """
    url = wfs_url(layer, year, scale)
    what = f"boundary layer {layer}{scale}_{year}"
    body = _get_bytes(session, url, what, validate=_wfs_problem, not_found_hint="check PUNOS_GEO_URL")
    if body.lstrip()[:1] == b"<":
        raise DataSourceError(
            f"{what}: the WFS refused the request ({url}): {_exception_text(body)}; "
            "check that the layer exists for that year at geo.stat.fi",
            url=url,
            status=200,
        )
    return body


def _load_geojson(payload: bytes | str | dict | Path) -> dict:
    if isinstance(payload, dict):
        return payload
    if isinstance(payload, str) and payload.lstrip()[:1] not in ("{", "<"):
        payload = Path(payload)
    if isinstance(payload, Path):
        try:
            payload = payload.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read boundary file {payload}: {exc}") from exc
    raw = payload.encode() if isinstance(payload, str) else bytes(payload)
    if raw.lstrip()[:1] == b"<":
        raise DataSourceError(f"the boundary payload is a WFS error report, not GeoJSON: {_exception_text(raw)}")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ParseError(f"the boundary payload is not valid JSON ({exc}); fetch it again") from exc
    if not isinstance(data, dict):
        raise ParseError("the boundary payload is not a GeoJSON object")
    return data


def _payload_epsg(data: dict) -> int:
    """EPSG code named by a GeoJSON ``crs`` member; 4326 when absent (RFC 7946: WGS84)."""
    crs = data.get("crs")
    if not crs:
        return 4326
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else str(crs)
    if "CRS84" in name.upper():
        return 4326
    match = re.search(r"EPSG:+(?:[\d.]*:)?(\d+)$", name) or re.search(r"EPSG:+(\d+)", name)
    if not match:
        raise ParseError(f"unknown coordinate reference system {name!r} in the boundary payload")
    return int(match.group(1))


def _detect_layer(columns: Iterable[str], layer: str | None) -> tuple[str, str, str, str | None, str | None]:
    """(layer, code field, fi name field, sv name field, en name field) of a boundary payload."""
    cols = set(columns)
    if layer is not None and layer not in LAYERS:
        raise InputError(f"unknown boundary layer {layer!r}: use one of {', '.join(LAYERS)}")
    if "NATCODE" in cols:  # National Land Survey (Maanmittauslaitos) files
        return layer or "", "NATCODE", "NAMEFIN", "NAMESWE" if "NAMESWE" in cols else None, None
    candidates = [layer] if layer else [name for name in LAYERS if name in cols]
    if not candidates or candidates[0] not in cols:
        raise ParseError(
            f"cannot find the area code in the boundary properties {sorted(cols)}; expected one of "
            f"{', '.join(LAYERS)} (Statistics Finland WFS) or NATCODE (National Land Survey)"
        )
    return (
        candidates[0],
        candidates[0],
        "nimi",
        "namn" if "namn" in cols else None,
        "name" if "name" in cols else None,
    )


def read_boundaries(
    payload: bytes | str | dict | Path, *, layer: Layer | None = None, year: int | None = None
) -> gpd.GeoDataFrame:
    """Parse a boundary GeoJSON into a GeoDataFrame in EPSG:3067 with normalised columns.

    Parameters
    ----------
    payload : bytes, str, dict or Path
        The WFS answer (bytes or JSON text), the decoded dict, or a file (a ``Path``, or a ``str``
        that does not start with ``{``).
    layer : {"kunta", "maakunta", "seutukunta", "tyossakayntialue"}, optional
        Which kind of area; found from the properties when not given (for National Land Survey
        files from the length of ``NATCODE``: 3 digits municipalities, 2 regions).
    year : int, optional
        Used when the features carry no ``vuosi``.

    Returns
    -------
    GeoDataFrame
        ``code`` (StatFin form, see the module docstring), ``name_fi``, ``name_sv``, ``name_en``
        (missing where the source has no such name), ``year`` (Int64), ``geometry``; EPSG:3067.
        Coordinates in EPSG:4326 are reprojected; a GeoJSON without ``crs`` is WGS84 (RFC 7946).
        Latitude-first WGS84 coordinates (WFS 2.0 axis order) are recognised and swapped: in
        Finland longitudes (19–32) and latitudes (59–71) cannot be confused.

    Raises
    ------
    DataSourceError
        The payload is a WFS ExceptionReport.
    ParseError
        Not GeoJSON, no features, or no area code property.
    """
    data = _load_geojson(payload)
    features = data.get("features")
    if data.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise ParseError("the boundary payload is not a GeoJSON FeatureCollection")
    if not features:
        raise ParseError("the boundary payload holds no features; check the layer name and year")
    epsg = _payload_epsg(data)
    frame = gpd.GeoDataFrame.from_features(features, crs=f"EPSG:{epsg}")
    if epsg == 4326:
        minx, miny, maxx, maxy = frame.total_bounds
        if minx > 45 and maxy < 45:  # latitude first: swap to x=longitude, y=latitude
            swapped = shapely.transform(np.asarray(frame.geometry.values), lambda xy: xy[:, ::-1])
            frame = frame.set_geometry(gpd.GeoSeries(swapped, index=frame.index, crs="EPSG:4326"))
    if epsg != 3067:
        frame = frame.to_crs("EPSG:3067")
    kind, code_field, fi, sv, en = _detect_layer(frame.columns, layer)
    raw_codes = frame[code_field].astype(str).str.strip()
    if not kind:  # National Land Survey file: tell the kind from the code length
        lengths = set(raw_codes.str.len())
        kind = {frozenset({3}): "kunta", frozenset({2}): "maakunta", frozenset({1, 2}): "maakunta"}.get(
            frozenset(lengths), ""
        )
        if not kind:
            raise ParseError(f"cannot tell the area kind from NATCODE lengths {sorted(lengths)}; pass layer=")
    prefix, width = _PREFIX[kind]
    if not raw_codes.str.fullmatch(r"\d+").all():
        bad = raw_codes[~raw_codes.str.fullmatch(r"\d+")].unique()[:5].tolist()
        raise ParseError(f"{kind} codes must be digits; found {bad} in property {code_field!r}")
    if "vuosi" in frame.columns:
        years = pd.to_numeric(frame["vuosi"], errors="coerce").astype("Int64")
    else:
        years = pd.Series(year if year is not None else pd.NA, index=frame.index, dtype="Int64")
    na = pd.Series(np.nan, index=frame.index, dtype="str")
    out = gpd.GeoDataFrame(
        {
            "code": prefix + raw_codes.str.zfill(width),
            "name_fi": frame[fi].astype("str") if fi in frame.columns else na,
            "name_sv": frame[sv].astype("str") if sv else na,
            "name_en": frame[en].astype("str") if en else na,
            "year": years,
        },
        geometry=frame.geometry.values,
        crs="EPSG:3067",
    )
    out.attrs.update({"layer": kind, "source_crs": f"EPSG:{epsg}"})
    return out


def boundaries(
    layer: Layer,
    year: int = 2025,
    scale: Scale = "1000k",
    region: str | None = None,
    *,
    session: HttpSession | None = None,
    key: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Fetch and read a boundary layer; optionally keep one region (``region="MK10"``).

    Municipalities and sub-regions are filtered with the municipality key: ``key`` when given,
    else the curated 2025 key for ``year=2025`` (offline) or :func:`municipality_key` for other
    years. Commuting areas cannot be filtered by region (InputError).
    """
    _check_layer(layer, scale, year)
    region_code = _region_code(region) if region is not None else None
    if region_code is not None and layer == "tyossakayntialue":
        raise InputError("commuting areas (tyossakayntialue) cross region borders: region= cannot filter them")
    frame = read_boundaries(fetch_boundaries(layer, year, scale, session=session), layer=layer, year=year)
    if region_code is None:
        return frame
    if layer == "maakunta":
        keep = frame["code"] == region_code
    else:
        if key is None:
            key = load_curated_key() if year == 2025 else municipality_key(year, session=session)
        members = key.loc[key["region"] == region_code, "code" if layer == "kunta" else "subregion"]
        keep = frame["code"].isin(set(members))
    if not keep.any():
        raise InputError(f"region {region_code} has no areas in layer {layer}{scale}_{year}; check the region code")
    return frame.loc[keep].reset_index(drop=True)


def _region_code(region: str) -> str:
    text = str(region).strip().upper()
    match = re.fullmatch(r"(?:MK)?(\d{1,2})", text)
    if not match:
        raise InputError(f"region {region!r} is not a region code: use the StatFin form, e.g. 'MK10'")
    return "MK" + match.group(1).zfill(2)


# ---------------------------------------------------------------------------------------------
# municipality key
# ---------------------------------------------------------------------------------------------
def municipality_key_requests(year: int = 2025, *, base_url: str | None = None) -> dict[str, str]:
    """The classification-API requests behind the municipality key of ``year``: name → URL.

    Names: ``"kunta:fi"``, ``"kunta:sv"``, ``"kunta:en"``, ``"maakunta:fi|sv|en"``,
    ``"seutukunta:fi"`` and from 2025 ``"tyollisyysalue:fi"`` (classification items), and
    ``"kunta#maakunta"``, ``"kunta#seutukunta"``, from 2025 ``"kunta#tyollisyysalue"``
    (correspondence maps). :func:`read_municipality_key` takes a dict with these names.
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not 2000 <= year <= 2100:
        raise InputError(f"key year {year!r} is not a year")
    client = ClassificationClient(base_url)
    stamp = f"1_{int(year)}0101"
    requests = {f"kunta:{lang}": client.items_url(f"kunta_{stamp}", lang) for lang in ("fi", "sv", "en")}
    requests.update({f"maakunta:{lang}": client.items_url(f"maakunta_{stamp}", lang) for lang in ("fi", "sv", "en")})
    requests["seutukunta:fi"] = client.items_url(f"seutukunta_{stamp}", "fi")
    targets = ["maakunta", "seutukunta"]
    if year >= EMPLOYMENT_AREAS_FROM:
        requests["tyollisyysalue:fi"] = client.items_url(f"tyollisyysalue_{stamp}", "fi")
        targets.append("tyollisyysalue")
    for target in targets:
        requests[f"kunta#{target}"] = client.correspondence_url(f"kunta_{stamp}", f"{target}_{stamp}")
    return requests


def municipality_key(year: int = 2025, *, session: HttpSession | None = None) -> pd.DataFrame:
    """Fetch the municipality key of ``year`` from the classification API (see :func:`read_municipality_key`)."""
    own = session is None
    sess = HttpSession() if session is None else session
    try:
        payloads = {
            name: _get_bytes(sess, url, f"municipality key {year}: {name}", validate=json_problem)
            for name, url in municipality_key_requests(year).items()
        }
    finally:
        if own:
            sess.close()
    return read_municipality_key(payloads)


def read_municipality_key(payloads: Mapping[str, Any]) -> pd.DataFrame:
    """Build the municipality key from stored classification-API payloads.

    Parameters
    ----------
    payloads : dict
        Named as in :func:`municipality_key_requests` (bytes, JSON text or decoded JSON). Required:
        ``kunta:fi``, ``kunta:sv``, ``kunta:en``, ``maakunta:fi``, ``maakunta:sv``, ``maakunta:en``,
        ``seutukunta:fi``, ``kunta#maakunta``, ``kunta#seutukunta``; optional
        ``tyollisyysalue:fi`` and ``kunta#tyollisyysalue`` (employment areas, 2025 on; missing
        columns are left empty without them).

    Returns
    -------
    DataFrame
        :data:`KEY_COLUMNS`, one row per municipality, sorted by code.

    Raises
    ------
    InputError
        A required payload is missing.
    ParseError
        A municipality without a region or sub-region.
    """
    required = [
        "kunta:fi", "kunta:sv", "kunta:en", "maakunta:fi", "maakunta:sv", "maakunta:en",
        "seutukunta:fi", "kunta#maakunta", "kunta#seutukunta",
    ]
    missing = [name for name in required if name not in payloads]
    if missing:
        raise InputError(
            f"municipality key: payloads {missing} are missing; fetch all of municipality_key_requests(year)"
        )
    munis = read_items({lang: payloads[f"kunta:{lang}"] for lang in ("fi", "sv", "en")})
    key = pd.DataFrame({"code3": munis["code"].astype(str).str.zfill(3)})
    for lang in ("fi", "sv", "en"):
        key[f"name_{lang}"] = munis[f"name_{lang}"].to_numpy()

    def target_of(name: str) -> pd.Series:
        maps = read_correspondence(payloads[name])
        source = maps["source_code"].astype(str).str.zfill(3)
        twice = sorted(set(source[source.duplicated()]))
        if twice:
            raise ParseError(f"municipality key: {name} maps municipalities {twice[:10]} to more than one area")
        return key["code3"].map(pd.Series(maps["target_code"].astype(str).to_numpy(), index=source))

    regions = read_items({lang: payloads[f"maakunta:{lang}"] for lang in ("fi", "sv", "en")}).set_index("code")
    region = target_of("kunta#maakunta")
    sub_names = read_items(payloads["seutukunta:fi"]).set_index("code")["name"]
    subregion = target_of("kunta#seutukunta")
    for what, series in (("region", region), ("sub-region", subregion)):
        if series.isna().any():
            lost = key.loc[series.isna(), "code3"].tolist()[:10]
            raise ParseError(f"municipality key: municipalities {lost} have no {what} in the correspondence table")
    key["region"] = "MK" + region.str.zfill(2)
    for lang in ("fi", "sv", "en"):
        key[f"region_name_{lang}"] = region.map(regions[f"name_{lang}"]).to_numpy()
    key["subregion"] = "SK" + subregion.str.zfill(3)
    key["subregion_name_fi"] = subregion.map(sub_names).to_numpy()
    if "kunta#tyollisyysalue" in payloads:
        area = target_of("kunta#tyollisyysalue")
        key["employment_area"] = area
        if "tyollisyysalue:fi" in payloads:
            area_names = read_items(payloads["tyollisyysalue:fi"]).set_index("code")["name"]
            key["employment_area_name_fi"] = area.map(area_names).to_numpy()
        else:
            key["employment_area_name_fi"] = pd.NA
    else:
        key["employment_area"] = pd.NA
        key["employment_area_name_fi"] = pd.NA
    key["code"] = "KU" + key["code3"]
    key = key.sort_values("code").reset_index(drop=True)
    return key[list(KEY_COLUMNS)]


def load_curated_key(path: Path | None = None) -> pd.DataFrame:
    """The committed 2025 key (``data/classifications/municipalities_2025.csv``), offline.

    Returns
    -------
    DataFrame
        :data:`KEY_COLUMNS` plus ``x_km``, ``y_km`` (approximate centre, EPSG:3067 km); codes in
        StatFin form (``KU491``).
    """
    file = path or paths.data_dir() / "classifications" / "municipalities_2025.csv"
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read the municipality key {file}: {exc}") from exc
    need = [*KEY_COLUMNS, "x_km", "y_km"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InputError(f"{file}: columns {missing} are missing; expected {need}")
    bad = frame.index[~frame["code"].str.fullmatch(r"(?:KU)?\d{3}")].tolist()
    if bad:
        raise ValidationError(
            "not a municipality code (three digits)", file=file, row=bad[0] + 1, field="code",
            value=frame.loc[bad[0], "code"],
        )
    frame["code"] = "KU" + frame["code"].str.removeprefix("KU")
    for col in ("x_km", "y_km"):
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype(float)
    frame.attrs["source"] = str(file)
    return frame[need].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# mergers and harmonisation
# ---------------------------------------------------------------------------------------------
_MERGER_COLUMNS = ["year", "old_code", "new_code", "old_name_fi", "new_name_fi"]


def _code3(code: Any) -> str:
    text = str(code).strip().upper().removeprefix("KU")
    if not re.fullmatch(r"\d{1,3}", text):
        raise InputError(f"{code!r} is not a municipality code (KUxxx or three digits)")
    return text.zfill(3)


def load_mergers(path: Path | None = None) -> pd.DataFrame:
    """Municipal mergers from ``data/classifications/municipality_mergers.csv``.

    Returns
    -------
    DataFrame
        ``year`` (int: first year of the new division), ``old_code``, ``new_code`` (``KUxxx``),
        ``old_name_fi``, ``new_name_fi``; sorted by year.
    """
    file = path or paths.data_dir() / "classifications" / "municipality_mergers.csv"
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read the merger table {file}: {exc}") from exc
    missing = [c for c in ("year", "old_code", "new_code") if c not in frame.columns]
    if missing:
        raise InputError(f"{file}: columns {missing} are missing")
    rows = []
    for i, rec in frame.iterrows():
        try:
            rows.append(
                {
                    "year": int(rec["year"]),
                    "old_code": "KU" + _code3(rec["old_code"]),
                    "new_code": "KU" + _code3(rec["new_code"]),
                    "old_name_fi": rec.get("old_name_fi", ""),
                    "new_name_fi": rec.get("new_name_fi", ""),
                }
            )
        except (ValueError, InputError) as exc:
            raise InputError(f"{file}: row {int(i) + 1}: {exc}") from exc
    return pd.DataFrame(rows, columns=_MERGER_COLUMNS).sort_values("year", kind="stable").reset_index(drop=True)


def read_mergers(payloads: Mapping[int, Any]) -> pd.DataFrame:
    """Mergers from the classification API's municipality-to-municipality correspondence tables.

    Parameters
    ----------
    payloads : dict
        ``year -> maps payload`` of ``kunta_1_<year-1>0101#kunta_1_<year>0101`` (the division of
        the year before to that of ``year``). Maps whose source and target codes differ are mergers.

    Returns
    -------
    DataFrame
        As :func:`load_mergers`.
    """
    rows = []
    for year in sorted(payloads):
        maps = read_correspondence(payloads[year])
        for rec in maps.itertuples(index=False):
            old, new = _code3(rec.source_code), _code3(rec.target_code)
            if old != new:
                rows.append(
                    {"year": int(year), "old_code": "KU" + old, "new_code": "KU" + new,
                     "old_name_fi": rec.source_name, "new_name_fi": rec.target_name}
                )
    return pd.DataFrame(rows, columns=_MERGER_COLUMNS)


def _division(to_year: int, mergers: pd.DataFrame) -> set[str]:
    """Three-digit codes of the municipalities of ``to_year``, from the 2025 key and the mergers."""
    codes = {c.removeprefix("KU") for c in load_curated_key()["code"]}
    for rec in mergers.itertuples(index=False):
        old, new = _code3(rec.old_code), _code3(rec.new_code)
        if 2025 < rec.year <= to_year:
            codes.discard(old)
            codes.add(new)
        elif to_year < rec.year <= 2025:
            codes.add(old)
    return codes


def harmonize(
    frame: pd.DataFrame,
    to_year: int = 2025,
    *,
    code_col: str = "area",
    value_cols: Sequence[str] | None = None,
    mergers: pd.DataFrame | None = None,
    division: Iterable[str] | None = None,
    on_unknown: Literal["raise", "keep"] = "raise",
) -> pd.DataFrame:
    """Put a municipality-level series on the municipal division of ``to_year``.

    Rows of municipalities merged by ``to_year`` (mergers with ``year <= to_year``, followed
    through chains) are given their successor's code and label and summed into it, per
    combination of the other columns. Pertunmaa (KU588) and Mäntyharju (KU507) before 2025 become
    one Mäntyharju row holding their sum. Rows that are not municipalities (``SSS``, ``MK10``,
    ``SK101``, …) pass unchanged, and so do municipalities that were not merged.

    Parameters
    ----------
    frame : DataFrame
        Codes in ``code_col``: ``KUxxx`` (StatFin) or three digits; the output keeps the form.
    to_year : int
        The target division (default 2025).
    code_col : str
        The area code column.
    value_cols : list of str, optional
        The additive columns to sum (counts such as population or jobs). Default ``["value"]``
        when the frame has one; otherwise required, since ratios, rates and shares must never be
        summed: compute them after harmonising the counts. A sum is missing (NaN) when any
        merged part is missing.
    mergers : DataFrame, optional
        ``year, old_code, new_code``; default :func:`load_mergers` (the committed table).
    division : iterable of str, optional
        The municipality codes of the target division; default the 2025 key adjusted by the
        mergers after (or before) 2025. Give it explicitly when a merger created a new code.
    on_unknown : {"raise", "keep"}
        A municipality code that is neither in the target division nor in the mergers cannot be
        placed. ``"raise"`` (default) raises InputError listing them; ``"keep"`` keeps those rows
        unchanged and lists the codes in ``result.attrs["unplaced_codes"]``.

    Other columns must identify a row (dimensions and their labels): a column that differs
    between merged municipalities other than the label (e.g. a status flag) keeps their rows
    apart, so drop such columns first. Labels in ``<code_col>_label`` and ``<code_col>_name``
    take the successor's label from the frame (or its Finnish name from the key).

    Returns
    -------
    DataFrame
        Same columns, rows in the order of first appearance; ``attrs`` kept plus
        ``harmonized_to`` and ``unplaced_codes`` (a list, empty when all were placed).

    Examples
    --------
    >>> df = pd.DataFrame({"area": ["KU507", "KU588", "MK10"], "year": [2020] * 3,
    ...                    "value": [5800.0, 1700.0, 132000.0]})
    >>> harmonize(df).values.tolist()
    [['KU507', 2020, 7500.0], ['MK10', 2020, 132000.0]]
    """
    if code_col not in frame.columns:
        raise InputError(f"harmonize: no column {code_col!r}; pass code_col= (columns: {list(frame.columns)})")
    if on_unknown not in ("raise", "keep"):
        raise InputError(f"harmonize: on_unknown must be 'raise' or 'keep', got {on_unknown!r}")
    if value_cols is None:
        if "value" not in frame.columns:
            raise InputError(
                "harmonize: name the additive columns to sum with value_cols=[...]; the frame has no 'value' "
                "column and other numeric columns may be ratios that must not be summed"
            )
        value_cols = ["value"]
    value_cols = list(value_cols)
    for col in value_cols:
        if col not in frame.columns:
            raise InputError(
                f"harmonize: value column {col!r} is not in the frame (columns: {list(frame.columns)})"
            )
        if not pd.api.types.is_numeric_dtype(frame[col]):
            raise InputError(
                f"harmonize: value column {col!r} is not numeric ({frame[col].dtype}); only counts can be summed"
            )
    if code_col in value_cols:
        raise InputError(f"harmonize: the code column {code_col!r} cannot be a value column")
    mergers = load_mergers() if mergers is None else mergers
    for col in ("year", "old_code", "new_code"):
        if col not in mergers.columns:
            raise InputError(f"harmonize: the mergers table needs columns year, old_code, new_code; {col!r} is missing")
    target = {_code3(c) for c in division} if division is not None else _division(to_year, mergers)

    successor: dict[str, str] = {}
    for rec in mergers.sort_values("year", kind="stable").itertuples(index=False):
        if int(rec.year) <= to_year:
            successor[_code3(rec.old_code)] = _code3(rec.new_code)

    def resolve(code3: str) -> str:
        seen = {code3}
        while code3 in successor:
            code3 = successor[code3]
            if code3 in seen:
                raise InputError(f"harmonize: the mergers table has a cycle through {code3}")
            seen.add(code3)
        return code3

    frame = frame.reset_index(drop=True)  # positions, not labels, from here on
    was_categorical = isinstance(frame[code_col].dtype, pd.CategoricalDtype)
    codes = frame[code_col].astype(str)
    ku_form = codes.str.fullmatch(r"KU\d{3}")
    bare_form = codes.str.fullmatch(r"\d{3}")
    is_muni = ku_form | bare_form
    code3 = codes.where(~ku_form, codes.str[2:])
    new3 = code3.copy()
    new3[is_muni] = code3[is_muni].map(resolve)
    unplaced_mask = is_muni & ~new3.isin(target)
    unplaced = sorted(set(codes[unplaced_mask]))
    if unplaced and on_unknown == "raise":
        raise InputError(
            f"harmonize: municipality codes {unplaced} are neither in the {to_year} division nor in the mergers "
            f"table; add their mergers (data/classifications/municipality_mergers.csv or mergers=), or pass "
            f"on_unknown='keep' to keep them unchanged"
        )
    new_codes = codes.where(~is_muni, np.where(ku_form, "KU" + new3, new3))
    changed = is_muni & (new_codes != codes)

    result = frame.copy()
    result[code_col] = new_codes.astype(object)
    label_cols = [c for c in (f"{code_col}_label", f"{code_col}_name") if c in frame.columns]
    if changed.any():
        key_names = None
        for col in label_cols:
            # the successor's own label in this frame; its Finnish name from the key otherwise
            own = pd.Series(frame.loc[~changed, col].to_numpy(), index=codes[~changed].to_numpy())
            own = own[~own.index.duplicated()]
            new_labels = new_codes[changed].map(own).astype(object)
            if new_labels.isna().any():
                if key_names is None:
                    key_names = load_curated_key().set_index("code")["name_fi"]
                from_key = ("KU" + new3[changed]).map(key_names).astype(object)
                new_labels = new_labels.fillna(from_key)
            new_labels = new_labels.fillna(frame.loc[changed, col].astype(object))
            if isinstance(frame[col].dtype, pd.CategoricalDtype):
                result[col] = result[col].astype(object)
            result.loc[changed, col] = new_labels.to_numpy()
        targets = set(new_codes[changed])
        affected = result[code_col].isin(targets)
        keys = [c for c in result.columns if c not in value_cols]
        part = result.loc[affected].copy()
        part["_pos"] = np.flatnonzero(affected.to_numpy())
        grouped = part.groupby(keys, sort=False, dropna=False, observed=True)
        sums = grouped[value_cols].sum()
        complete = grouped[value_cols].count().eq(grouped.size(), axis=0)
        sums = sums.where(complete)
        firsts = grouped["_pos"].min()
        merged = sums.reset_index()
        merged["_pos"] = firsts.to_numpy()
        rest = result.loc[~affected].copy()
        rest["_pos"] = np.flatnonzero((~affected).to_numpy())
        result = (
            pd.concat([rest, merged[rest.columns]], ignore_index=True)
            .sort_values("_pos", kind="stable")
            .drop(columns="_pos")
            .reset_index(drop=True)
        )
        for col in value_cols:
            # keep integer counts integer unless a sum became missing
            if frame[col].dtype.kind in "iu" and not result[col].isna().any():
                result[col] = result[col].astype(frame[col].dtype)
    if was_categorical:
        result[code_col] = pd.Categorical(result[code_col], categories=list(dict.fromkeys(result[code_col])))
    result.attrs = dict(frame.attrs)
    result.attrs["harmonized_to"] = int(to_year)
    result.attrs["unplaced_codes"] = unplaced
    return result


# ---------------------------------------------------------------------------------------------
# tile grids
# ---------------------------------------------------------------------------------------------
def tile_grid(municipalities: pd.DataFrame, *, slack: float = 1.2) -> pd.DataFrame:
    """One equal tile per area on a grid, placed roughly where the area lies.

    Each area gets a target cell from its rank east-west (column) and north-south (row) among
    the areas, on a grid about as wide/tall as the areas' extent with ``slack`` spare cells.
    Areas are then placed one by one (north to south, west to east, then by code) in their target
    cell or, when it is taken, the free cell nearest to their ranked position (ties: upper row,
    then left column). Deterministic; no two areas share a cell.

    Parameters
    ----------
    municipalities : DataFrame
        ``code``, ``x_km``, ``y_km`` (EPSG:3067 km; any projected x/y works).
    slack : float
        Cells per area (>= 1); spare cells let areas stay closer to their target.

    Returns
    -------
    DataFrame
        ``code``, ``row`` (0 = north), ``col`` (0 = west), in the input's order.
    """
    for col in ("code", "x_km", "y_km"):
        if col not in municipalities.columns:
            raise InputError(f"tile_grid: column {col!r} is missing (need code, x_km, y_km)")
    n = len(municipalities)
    if n == 0:
        raise InputError("tile_grid: no areas given")
    if municipalities["code"].duplicated().any():
        dup = municipalities.loc[municipalities["code"].duplicated(), "code"].tolist()[:5]
        raise InputError(f"tile_grid: duplicate codes {dup}")
    xs = pd.to_numeric(municipalities["x_km"], errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(municipalities["y_km"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(xs).any() or np.isnan(ys).any():
        bad = municipalities.loc[np.isnan(xs) | np.isnan(ys), "code"].tolist()[:5]
        raise InputError(f"tile_grid: areas {bad} have no x_km/y_km")
    if slack < 1:
        raise InputError(f"tile_grid: slack must be >= 1, got {slack}")
    width = max(xs.max() - xs.min(), 1e-9)
    height = max(ys.max() - ys.min(), 1e-9)
    cells = n * slack
    ncols = max(1, min(n, round(math.sqrt(cells * width / height))))
    nrows = max(1, math.ceil(cells / ncols), math.ceil(n / ncols))
    order_x = np.lexsort((municipalities["code"].astype(str).to_numpy(), xs))
    order_y = np.lexsort((municipalities["code"].astype(str).to_numpy(), -ys))
    rank_x = np.empty(n)
    rank_y = np.empty(n)
    rank_x[order_x] = np.arange(n)
    rank_y[order_y] = np.arange(n)
    # continuous positions in cell units (centre of the rank's share of the grid)
    fx = (rank_x + 0.5) * ncols / n - 0.5
    fy = (rank_y + 0.5) * nrows / n - 0.5
    want_col = np.clip(np.rint(fx), 0, ncols - 1).astype(int)
    want_row = np.clip(np.rint(fy), 0, nrows - 1).astype(int)
    grid_r, grid_c = np.divmod(np.arange(nrows * ncols), ncols)
    free = np.ones(nrows * ncols, dtype=bool)
    rows = np.empty(n, dtype=int)
    cols = np.empty(n, dtype=int)
    codes = municipalities["code"].astype(str).to_numpy()
    for i in np.lexsort((codes, want_col, want_row)):
        cell = want_row[i] * ncols + want_col[i]
        if not free[cell]:
            dist = (grid_r - fy[i]) ** 2 + (grid_c - fx[i]) ** 2
            dist = np.where(free, dist, np.inf)
            cell = int(np.argmin(dist))  # argmin takes the first minimum: upper row, then left
        free[cell] = False
        rows[i], cols[i] = grid_r[cell], grid_c[cell]
    return pd.DataFrame({"code": codes, "row": rows, "col": cols})


def region_tile_grid(key: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tile-grid positions of the 19 regions (``MKxx``), from the mean centre of their municipalities.

    ``key`` defaults to :func:`load_curated_key`. Returns ``code``, ``row``, ``col``.
    """
    key = load_curated_key() if key is None else key
    centres = key.groupby("region", sort=True)[["x_km", "y_km"]].mean().reset_index()
    return tile_grid(centres.rename(columns={"region": "code"}))
