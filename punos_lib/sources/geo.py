"""Boundaries from the WFS and the municipality key and mergers from the classification API.

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
    :func:`read_municipality_key` parses the stored payloads) in the columns of
    :data:`punos_lib.reference.municipalities.KEY_COLUMNS`. :func:`read_mergers` reads municipal
    mergers from the API's year-to-year municipality correspondence.

The committed key, the committed mergers and harmonisation (applying mergers to a frame) are
reference data, in :mod:`punos_lib.reference.municipalities`; tile-grid positions are
presentation, in :mod:`punos_lib.present.tiles`.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

import httpx
import numpy as np
import pandas as pd

from punos_lib.errors import DataSourceError, InputError, ParseError
from punos_lib.reference.municipalities import (
    KEY_COLUMNS,
    MERGER_COLUMNS,
    load_curated_key,
    municipality_code3,
)
from punos_lib.sources._http import HttpSession, get_bytes, json_problem
from punos_lib.sources.classifications import ClassificationClient, read_correspondence, read_items

if TYPE_CHECKING:  # geopandas and shapely load only when boundaries are read (start-up time)
    import geopandas as gpd

__all__ = [
    "DEFAULT_BASE_URL",
    "LAYERS",
    "SCALES",
    "wfs_url",
    "fetch_boundaries",
    "read_boundaries",
    "boundaries",
    "municipality_key_requests",
    "municipality_key",
    "read_municipality_key",
    "read_mergers",
]

DEFAULT_BASE_URL = "https://geo.stat.fi/geoserver/tilastointialueet/wfs"
Layer = Literal["kunta", "maakunta", "seutukunta", "tyossakayntialue"]
Scale = Literal["1000k", "4500k"]
LAYERS: tuple[str, ...] = ("kunta", "maakunta", "seutukunta", "tyossakayntialue")
SCALES: tuple[str, ...] = ("1000k", "4500k")
#: First year of the statistical-area layers on geo.stat.fi.
FIRST_YEAR = 2013

_PREFIX = {"kunta": ("KU", 3), "maakunta": ("MK", 2), "seutukunta": ("SK", 3), "tyossakayntialue": ("TA", 2)}

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
    body = get_bytes(session, url, what, validate=_wfs_problem, not_found_hint="check PUNOS_GEO_URL")
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
    import geopandas as gpd
    import shapely

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
            name: get_bytes(sess, url, f"municipality key {year}: {name}", validate=json_problem)
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
        :data:`punos_lib.reference.municipalities.KEY_COLUMNS`, one row per municipality, sorted by code.

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


# ---------------------------------------------------------------------------------------------
# mergers from the classification API
# ---------------------------------------------------------------------------------------------
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
        As :func:`punos_lib.reference.municipalities.load_mergers`.
    """
    rows = []
    for year in sorted(payloads):
        maps = read_correspondence(payloads[year])
        for rec in maps.itertuples(index=False):
            old, new = municipality_code3(rec.source_code), municipality_code3(rec.target_code)
            if old != new:
                rows.append(
                    {"year": int(year), "old_code": "KU" + old, "new_code": "KU" + new,
                     "old_name_fi": rec.source_name, "new_name_fi": rec.target_name}
                )
    return pd.DataFrame(rows, columns=MERGER_COLUMNS)
