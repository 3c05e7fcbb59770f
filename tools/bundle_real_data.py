"""Convert the recorded real statistics into the bundled files under data/real/ (developers only).

Reads the recorded public files in ``../shared/data/reference`` (see its PROVENANCE.md) and writes
``data/real/``: one gzip-compressed payload per snapshot entry in the shape ``punos fetch`` stores
(PxWeb metadata JSON, json-stat2 data, classification-API key payloads, GeoJSON boundaries),
``data/real/bundle.yaml`` (what :mod:`punos_lib.snapshot.bundled` reads: every file with its
dataset, producer, table, period, where it was recorded from, how it was converted, SHA-256,
licence and attribution) and ``data/real/PROVENANCE.md`` (the same for people).

No value is altered. What the conversion does is said per file in ``conversion``: reshaping into
json-stat2 with the table's real variable codes, names replaced by codes, derived totals (named as
such), reprojection of boundaries. The output is deterministic: rerunning it on the same inputs
gives byte-identical files (gzip without a timestamp, canonical JSON).

    python tools/bundle_real_data.py [REFERENCE_DIR [OUT_DIR]]   # default ../shared/data/reference, data/real
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "real"
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference"

LICENCE = "CC BY 4.0"
ATTRIBUTION = "Lähde: Tilastokeskus"
# When the conversion was made: the fetched_at of every bundled entry (fixed, so builds are reproducible).
CONVERTED = "2026-12-01T00:00:00Z"
STATFIN_TABLE = "https://pxdata.stat.fi/PxWeb/pxweb/fi/StatFin/StatFin__{subject}/statfin_{subject}_pxt_{table}.px/"

# Finnish names of the 19 regions of 2025 (Statistics Finland's regional classification).
REGION_NAMES = {
    "01": "Uusimaa", "02": "Varsinais-Suomi", "04": "Satakunta", "05": "Kanta-Häme", "06": "Pirkanmaa",
    "07": "Päijät-Häme", "08": "Kymenlaakso", "09": "Etelä-Karjala", "10": "Etelä-Savo",
    "11": "Pohjois-Savo", "12": "Pohjois-Karjala", "13": "Keski-Suomi", "14": "Etelä-Pohjanmaa",
    "15": "Pohjanmaa", "16": "Keski-Pohjanmaa", "17": "Pohjois-Pohjanmaa", "18": "Kainuu", "19": "Lappi",
    "21": "Ahvenanmaa",
}


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _gzip(payload: bytes) -> bytes:
    # mtime=0 and no file name: the same payload always gives the same bytes
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0, filename="") as fh:
        fh.write(payload)
    return buf.getvalue()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _jsonstat(label: str, source: str, updated: str | None, notes: list[str],
              dims: list[tuple[str, str, str | None, list[str], list[str]]], values: list[Any],
              table: str) -> dict[str, Any]:
    """A json-stat2 dataset as PxWeb sends it: dims = (code, text, role, codes, labels)."""
    dimension: dict[str, Any] = {}
    roles: dict[str, list[str]] = {}
    for code, text, role, codes, labels in dims:
        category: dict[str, Any] = {"index": {c: i for i, c in enumerate(codes)},
                                    "label": dict(zip(codes, labels, strict=True))}
        if role == "metric":
            category["unit"] = {c: {"base": "lukumäärä", "decimals": 0} for c in codes}
        dimension[code] = {"label": text, "category": category}
        if role:
            roles.setdefault(role, []).append(code)
    out: dict[str, Any] = {"version": "2.0", "class": "dataset", "label": label, "source": source}
    if updated:
        out["updated"] = updated
    out.update({"note": notes, "role": roles, "id": [d[0] for d in dims], "size": [len(d[3]) for d in dims],
                "dimension": dimension, "extension": {"px": {"tableid": table, "decimals": 0, "language": "fi"}},
                "value": values})
    return out


# ------------------------------------------------------------------------------------------------
# population by region and single year of age (11re)


def _pop_file(path: Path) -> tuple[list[str], dict[tuple[str, int], list[int]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    years = rows[0][3:]
    data = {}
    for row in rows[1:]:
        data[(row[0], int(row[2]))] = [int(v) for v in row[3:]]
    return years, data


def build_11re(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    meta_path = ref / "statfin_api" / "new_2026" / "api-metadata-population.json"
    meta = json.loads(meta_path.read_bytes())
    var = {v["code"]: v for v in meta["variables"]}
    ages = var["ikaryhma_10_20180101"]
    age_codes = [c for c in ages["values"] if c != "SSS"]
    age_labels = [t for c, t in zip(ages["values"], ages["valueTexts"], strict=True) if c != "SSS"]
    years_f, women = _pop_file(ref / "population_age" / "popF.txt")
    years_m, men = _pop_file(ref / "population_age" / "popM.txt")
    if years_f != years_m:
        raise SystemExit("popF.txt and popM.txt have different years")
    # locations.txt: 19 regions and the whole country (246)
    areas = [("SSS", "KOKO MAA", "246")] + [(f"MK{c}", n, str(int(c))) for c, n in REGION_NAMES.items()]
    sexes = [("SSS", "Yhteensä"), ("1", "Miehet"), ("2", "Naiset")]
    values: list[int] = []
    for _, _, reg in areas:
        for age in range(len(age_codes)):
            m, f = men[(reg, age)], women[(reg, age)]
            for sex, _ in sexes:
                series = [a + b for a, b in zip(m, f, strict=True)] if sex == "SSS" else (m if sex == "1" else f)
                values.extend(series)
    dims = [
        ("alue_23_20260101", "Alue", "geo", [a[0] for a in areas], [a[1] for a in areas]),
        ("ikaryhma_10_20180101", "Ikä", None, age_codes, age_labels),
        ("sukupuoli_9_20180101", "Sukupuoli", None, [s[0] for s in sexes], [s[1] for s in sexes]),
        ("timeperiod_y", "Vuosi", "time", years_f, years_f),
        ("contentscode", "Tiedot", "metric", ["vaerak-vaesto"], ["Väestö 31.12."]),
    ]
    notes = ["Väestö 31.12. maakunnittain (maakuntajako 2025) ja koko maa, yhden vuoden ikäryhmät, "
             "1972–2025. Vuoden 2025 luku on ennakkotieto (kuukausitaulukko 11lj, 2025M12)."]
    payload = _jsonstat(meta["title"], "Tilastokeskus, väestörakenne", None, notes, dims, values,
                        "11re")
    files = {
        "vaerak_11re_metadata.json.gz": _gzip(meta_path.read_bytes()),
        "vaerak_11re_regions_age_1972-2025.json.gz": _gzip(_canonical(payload)),
    }
    common = {
        "dataset": "population", "producer": "Tilastokeskus (Statistics Finland), väestörakenne",
        "table": "vaerak/11re",
        "url": STATFIN_TABLE.format(subject="vaerak", table="11re"),
    }
    records = {
        "vaerak_11re_metadata.json.gz": {
            **common, "kind": "metadata", "media_type": "application/json",
            "title": "11re table metadata (PxWeb v1, variables and values)",
            "period": "1972–2025",
            "recorded_from": {"repository": "markusl/statfin-mcp",
                              "commit": "0d7c5042f61e61f922f7b6479e07ba6fa8b3ba60",
                              "path": "tests/fixtures (new_2026/api-metadata-population.json in the shared reference)"},
            "conversion": "the recorded metadata response, gzip-compressed; bytes unchanged",
            "recorded_sha256": {"statfin_api/new_2026/api-metadata-population.json": _sha(meta_path)},
        },
        "vaerak_11re_regions_age_1972-2025.json.gz": {
            **common, "kind": "data", "media_type": "application/json-stat2",
            "title": "Population on 31 Dec by region (2025 division), single year of age and sex, 1972–2025",
            "period": "1972–2025 (2025 ennakkotieto)",
            "recorded_from": {"repository": "PPgp/bayesPopFINdata",
                              "commit": "a608130eb6d5883012996187dab85b8a7c340493",
                              "path": "popF.txt, popM.txt (downloaded from StatFin 11re by that repository on 2026-06-19)"},
            "conversion": (
                "popF.txt (women) and popM.txt (men) reshaped into one json-stat2 dataset with the "
                "variable codes of the recorded 11re metadata (alue_23_20260101, ikaryhma_10_20180101, "
                "sukupuoli_9_20180101, timeperiod_y, contentscode vaerak-vaesto); region numbers 1..21 "
                "written as MK01..MK21 with their Finnish names, 246 (Finland) as SSS; age 0..100 as "
                "000..099 and 100-; sex total SSS added as the sum men + women (integers); every "
                "recorded value kept unchanged"),
            "recorded_sha256": {"population_age/popF.txt": _sha(ref / "population_age" / "popF.txt"),
                                "population_age/popM.txt": _sha(ref / "population_age" / "popM.txt")},
        },
    }
    return files, records


# ------------------------------------------------------------------------------------------------
# population projection 2024 by municipality and age (14wx)


def build_14wx(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    path = ref / "vaenn_14wx" / "population_raw.json"
    raw = path.read_bytes()
    name = "vaenn_14wx_municipalities_age_2024_2035_2040.json.gz"
    record = {
        "dataset": "population_projection", "kind": "data", "media_type": "application/json-stat2",
        "producer": "Tilastokeskus (Statistics Finland), väestöennuste", "table": "vaenn/14wx",
        "title": "Population projection 2024 by municipality (2024 division) and age 0–99, "
                 "years 2024, 2035 and 2040",
        "period": "2024, 2035 ja 2040 (väestöennuste 2024, iät 0–99)",
        "updated": json.loads(raw)["updated"],
        "url": STATFIN_TABLE.format(subject="vaenn", table="14wx"),
        "recorded_from": {"repository": "Olliwn/truth_engine",
                          "commit": "3ac17808c4f13ce8485ac1ed848d248756622e38",
                          "path": "population_raw.json"},
        "conversion": "the recorded json-stat2 response (old-form codes Alue, Vuosi, Sukupuoli, Ikä, "
                      "Tiedot vaesto_e24), gzip-compressed; bytes unchanged",
        "recorded_sha256": {"vaenn_14wx/population_raw.json": _sha(path)},
    }
    return {name: _gzip(raw)}, {name: record}


# ------------------------------------------------------------------------------------------------
# municipality population totals (11ra, PxWeb Excel export)


def _key_names(ref: Path, year: int) -> dict[str, str]:
    with (ref / "keys" / f"municipality_key_{year}.csv").open(encoding="utf-8", newline="") as fh:
        return {row["municipality_name_fi"]: row["kunta"].zfill(3) for row in csv.DictReader(fh)}


def build_11ra(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    import openpyxl

    path = ref / "commuting" / "Vakilukuja.xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True, data_only=False).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    title = str(rows[0][0])
    header = rows[2]
    year_cols = [i for i, v in enumerate(header) if isinstance(v, str) and v.isdigit()]
    years = [str(header[i]) for i in year_cols]
    codes_of = _key_names(ref, 2022)  # the export is on the 2022 municipal division
    areas: list[tuple[str, str]] = []
    values: list[int] = []
    for row in rows[3:]:
        if not row[0] or not isinstance(row[year_cols[0]], (int, float)):
            continue
        name = str(row[0]).strip()
        code = codes_of.get(name) or codes_of.get(name.split(" - ")[0])  # "Maarianhamina - Mariehamn"
        if code is None:
            raise SystemExit(f"{path}: municipality {name!r} is not in the 2022 municipality key")
        areas.append((f"KU{code}", name))
        for i in year_cols:
            value = row[i]
            if not isinstance(value, int):
                raise SystemExit(f"{path}: {name} {header[i]}: {value!r} is not a count")
            values.append(value)
    if len(areas) != len(codes_of):
        raise SystemExit(f"{path}: {len(areas)} municipalities, the 2022 key has {len(codes_of)}")
    # json-stat order is area × content × year, as the export's layout (Alue, Tiedot, Vuosi)
    dims = [
        ("Alue", "Alue", "geo", [a[0] for a in areas], [a[1] for a in areas]),
        ("Tiedot", "Tiedot", "metric", ["vaesto"], ["Väestö 31.12."]),
        ("Vuosi", "Vuosi", "time", years, years),
    ]
    notes = ["Väestö 31.12. kunnittain, kuntajako 2022 (Tilastokeskus 11ra, PxWeb-Excel-vienti)."]
    payload = _jsonstat(title, "Tilastokeskus, väestörakenne", None, notes, dims, values, "11ra")
    name = f"vaerak_11ra_municipalities_{years[0]}-{years[-1]}.json.gz"
    record = {
        "dataset": "municipality_population", "kind": "data", "media_type": "application/json-stat2",
        "producer": "Tilastokeskus (Statistics Finland), väestörakenne", "table": "vaerak/11ra",
        "title": f"Population on 31 Dec by municipality (2022 division), {years[0]}–{years[-1]}",
        "period": f"{years[0]}–{years[-1]}",
        "url": STATFIN_TABLE.format(subject="vaerak", table="11ra"),
        "recorded_from": {"repository": "EeroAnt/ML-draftarea",
                          "commit": "e168c5b9eeff54d56c894b8b035f481e91a6df41",
                          "path": "Vakilukuja.xlsx (PxWeb Excel export, internal code 001_11ra_2022)"},
        "conversion": (
            "the workbook's table (municipality names × years) as json-stat2 with the export's "
            "variables Alue, Tiedot, Vuosi (pre-2026 codes; the content code 'vaesto' is ours, the "
            "export gives only the text 'Väestö 31.12.'); names replaced by municipality codes KUxxx "
            "of the 2022 key (rOpenGov/geofi municipality_key_2022; 'Maarianhamina - Mariehamn' = 478); "
            "the AVERAGE column the repository's author added is dropped; every count unchanged"),
        "recorded_sha256": {"commuting/Vakilukuja.xlsx": _sha(path),
                            "keys/municipality_key_2022.csv": _sha(ref / "keys" / "municipality_key_2022.csv")},
    }
    return {name: _gzip(_canonical(payload))}, {name: record}


# ------------------------------------------------------------------------------------------------
# municipality key 2025 (classification API payloads)


def build_key(ref: Path, year: int = 2025) -> tuple[dict[str, bytes], dict[str, Any]]:
    from types import SimpleNamespace

    import pandas as pd

    from punos_lib.snapshot.demo import key_payloads

    path = ref / "keys" / f"municipality_key_{year}.csv"
    key = pd.read_csv(path, dtype=str, keep_default_na=False)
    # The key table in the curated columns, so the classification-API payloads are built by the
    # one builder the demo uses too (codes and names unchanged, only laid out as the API sends them).
    munis = pd.DataFrame({
        "code": key["kunta"].str.zfill(3),
        "name_fi": key["municipality_name_fi"], "name_sv": key["municipality_name_sv"],
        "name_en": key["municipality_name_en"],
        "region": "MK" + key["maakunta_code"].astype(int).astype(str).str.zfill(2),
        "region_name_fi": key["maakunta_name_fi"], "region_name_sv": key["maakunta_name_sv"],
        "region_name_en": key["maakunta_name_en"],
        "subregion": "SK" + key["seutukunta_code"].astype(int).astype(str).str.zfill(3),
        "subregion_name_fi": key["seutukunta_name_fi"],
        "employment_area": key["tyollisyysalue_code"].astype(int).astype(str),
        "employment_area_name_fi": key["tyollisyysalue_name_fi"],
    }).sort_values("code").reset_index(drop=True)
    payloads = key_payloads(SimpleNamespace(munis=munis), year)  # type: ignore[arg-type]
    name = f"municipality_key_{year}.json.gz"
    record = {
        "dataset": "municipality_key", "kind": "key", "media_type": "application/json",
        "producer": "Tilastokeskus (Statistics Finland), luokitukset (classification API)",
        "table": f"kunta_1_{year}0101 with maakunta, seutukunta, tyollisyysalue",
        "title": f"Municipalities of {year} with region, sub-region and employment area",
        "period": f"kuntajako 1.1.{year}",
        "url": "https://data.stat.fi/api/classifications/v2/",
        "year": year,
        "recorded_from": {"repository": "rOpenGov/geofi", "commit": "de9392bbeac7ce09d13637ec000b8c9e69ce5c52",
                          "path": f"data/municipality_key_{year}.rda (built by geofi from the classification API; "
                                  "CSV conversion in the shared reference)"},
        "conversion": (
            "one JSON object {request name: payload}, each payload in the classification API's form "
            "(items kunta/maakunta in fi, sv, en; seutukunta, tyollisyysalue in fi; correspondence maps "
            "kunta#maakunta, kunta#seutukunta, kunta#tyollisyysalue), rebuilt from the key table's "
            "codes and names; every code and name unchanged"),
        "recorded_sha256": {f"keys/municipality_key_{year}.csv": _sha(path)},
    }
    return {name: _gzip(_canonical(dict(sorted(payloads.items()))))}, {name: record}


# ------------------------------------------------------------------------------------------------
# boundaries (EPSG:3067)


def _to_3067(features: list[dict[str, Any]], keep: list[str]) -> list[dict[str, Any]]:
    import shapely
    from pyproj import Transformer
    from shapely.geometry import mapping, shape

    transformer = Transformer.from_crs("EPSG:4326", "EPSG:3067", always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([x, y]))  # whole metres: the sources are generalised to ~1 km

    out = []
    for feature in features:
        geom = shapely.transform(shape(feature["geometry"]), project)
        coords = json.loads(json.dumps(mapping(geom)), parse_float=lambda s: int(float(s)))
        out.append({"type": "Feature",
                    "properties": {k: feature["properties"][k] for k in keep if k in feature["properties"]},
                    "geometry": coords})
    return out


def _geojson(features: list[dict[str, Any]]) -> bytes:
    return _canonical({"type": "FeatureCollection",
                       "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3067"}},
                       "features": features})


def build_boundaries(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    kunta_path = ref / "geo" / "kunta1000k_2025_with_neighbors_and_province.geojson"
    kunta = json.loads(kunta_path.read_bytes())
    features = sorted(kunta["features"], key=lambda f: str(f["properties"]["kunta"]))
    munis = _to_3067(features, ["kunta", "vuosi", "nimi", "namn", "name"])
    region_path = ref / "geo" / "nls_maakuntarajat_4500k_2023.json"
    regions = json.loads(region_path.read_bytes())
    region_features = sorted(regions["features"], key=lambda f: int(f["properties"]["NATCODE"]))
    regs = _to_3067(region_features, ["NATCODE", "NAMEFIN", "NAMESWE"])
    files = {"kunta1000k_2025_epsg3067.geojson.gz": _gzip(_geojson(munis)),
             "maakunta4500k_2023_epsg3067.geojson.gz": _gzip(_geojson(regs))}
    records = {
        "kunta1000k_2025_epsg3067.geojson.gz": {
            "dataset": "municipality_boundaries", "kind": "boundaries", "media_type": "application/geo+json",
            "producer": "Tilastokeskus (Statistics Finland), tilastointialueet WFS",
            "table": "tilastointialueet:kunta1000k_2025", "title": "Municipal boundaries 2025, 1:1,000,000",
            "period": "kuntajako 1.1.2025 (308 kuntaa)",
            "updated": kunta.get("timeStamp"),
            "url": "https://geo.stat.fi/geoserver/tilastointialueet/wfs",
            "recorded_from": {"repository": "ConeArtist/Suomen-Kunnat",
                              "commit": "0d080ff203b6a2930d0eb70bc06ed7a8d1247236",
                              "path": "kunta1000k_2025_with_neighbors_and_province.geojson (a raw WFS answer)"},
            "conversion": (
                "reprojected from EPSG:4326 to EPSG:3067 (pyproj, coordinates rounded to whole metres); "
                "properties kunta, vuosi, nimi, namn, name kept, the repository author's added fields "
                "neighbors and province dropped (province is wrong for Isokyrö); features sorted by code"),
            "recorded_sha256": {"geo/kunta1000k_2025_with_neighbors_and_province.geojson": _sha(kunta_path)},
        },
        "maakunta4500k_2023_epsg3067.geojson.gz": {
            "dataset": "region_boundaries", "kind": "boundaries", "media_type": "application/geo+json",
            "producer": "Maanmittauslaitos (National Land Survey of Finland), kuntajako 1:4,500,000",
            "table": "maakuntarajat 2023 (19 regions; unchanged in 2025)",
            "title": "Regional boundaries 2023, 1:4,500,000 (the 2025 regions)",
            "period": "maakuntajako 2023, sama kuin 2025",
            "attribution": "Lähde: Maanmittauslaitos",
            "url": "https://www.maanmittauslaitos.fi/en/opendata",
            "recorded_from": {"repository": "samilaine/hallinnollisetrajat",
                              "commit": "03f9203007160ef67177c8a5c6f3463cbf57af46",
                              "path": "maakuntarajat.2023.json"},
            "conversion": "reprojected from EPSG:4326 to EPSG:3067 (pyproj, whole metres); properties "
                          "NATCODE, NAMEFIN, NAMESWE kept; features sorted by code",
            "recorded_sha256": {"geo/nls_maakuntarajat_4500k_2023.json": _sha(region_path)},
        },
    }
    return files, records


# ------------------------------------------------------------------------------------------------
# commuting (115p) and employed residents (115b): PxWeb Excel exports, 2022 division

# The years a fetch of the declaration (``"@time": "top:8"``) would hold, ending with the last year
# both 115p exports and the 115b export cover.
COMMUTING_YEARS = [str(y) for y in range(2014, 2022)]


def _export_rows(path: Path) -> list[tuple[Any, ...]]:
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def _export_blocks(path: Path, rows: list[tuple[Any, ...]], first: int, header: int,
                   code_of: Callable[[str], str]) -> dict[tuple[str, str], list[Any]]:
    """(area code, year) → the row's cells after the two label columns, for the wanted years."""
    out: dict[tuple[str, str], list[Any]] = {}
    area = None
    for number, row in enumerate(rows[first:], start=first + 1):
        if row[0] is not None and row[1] is None:
            break  # the notes under the table
        if row[0] is not None:
            area = code_of(str(row[0]).strip())
        if row[1] is None or area is None:
            continue
        year = str(row[1])
        if year in COMMUTING_YEARS:
            cells = list(row[2:2 + header])
            for cell in cells:
                if cell is not None and not isinstance(cell, int):
                    raise SystemExit(f"{path}: row {number}: {cell!r} is not a count")
            out[(area, year)] = cells
    return out


def _municipality_code(ref: Path, path: Path) -> Callable[[str], str]:
    codes_of = _key_names(ref, 2022)  # the exports are on the 2022 municipal division

    def code(name: str) -> str:
        found = codes_of.get(name) or codes_of.get(name.split(" - ")[0])  # "Maarianhamina - Mariehamn"
        if found is None:
            raise SystemExit(f"{path}: municipality {name!r} is not in the 2022 municipality key")
        return f"KU{found}"

    return code


def build_115p(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    from punos_lib.reference.statfin_codes import COMMUTING_AGES, COMMUTING_EDUCATION, COMMUTING_KINDS

    files = {"1": ref / "commuting" / "Asuinkunnassa_tyoskentelevat.xlsx",
             "2": ref / "commuting" / "Alueelle_pendeloivat.xlsx"}
    columns = len(COMMUTING_EDUCATION) * len(COMMUTING_AGES)
    blocks: dict[str, dict[tuple[str, str], list[Any]]] = {}
    names: dict[str, str] = {}
    for kind, path in files.items():
        rows = _export_rows(path)
        # check that the columns are the education levels × age groups this conversion assumes
        texts = [str(c) for r in rows[2:6] for c in r if c is not None]
        for _, text in COMMUTING_EDUCATION + COMMUTING_AGES:
            if text not in texts:
                raise SystemExit(f"{path}: the header lacks {text!r}; the export's layout changed")
        code_of = _municipality_code(ref, path)
        for row in rows[6:]:
            if row[0] is not None and row[1] is not None:
                names[code_of(str(row[0]).strip())] = str(row[0]).strip()
        blocks[kind] = _export_blocks(path, rows, 6, columns, code_of)
    areas = sorted(names, key=lambda c: names[c])
    values: list[Any] = []
    for area in areas:  # Työpaikan alue × Vuosi × Tiedot × Pendelöinti × Koulutusaste × Ikä
        for year in COMMUTING_YEARS:
            for kind in files:
                cells = blocks[kind].get((area, year))
                if cells is None:
                    raise SystemExit(f"{files[kind]}: no row for {names[area]} {year}")
                values.extend(cells)
    dims = [
        ("Työpaikan alue", "Työpaikan alue", "geo", areas, [names[a] for a in areas]),
        ("Vuosi", "Vuosi", "time", COMMUTING_YEARS, COMMUTING_YEARS),
        ("Tiedot", "Tiedot", "metric", ["tyopaikat"], ["Alueella työssäkäyvät"]),
        ("Pendelöinti", "Pendelöinti", None, [c for c, _ in COMMUTING_KINDS], [t for _, t in COMMUTING_KINDS]),
        ("Koulutusaste", "Koulutusaste", None, [c for c, _ in COMMUTING_EDUCATION],
         [t for _, t in COMMUTING_EDUCATION]),
        ("Ikä", "Ikä", None, [c for c, _ in COMMUTING_AGES], [t for _, t in COMMUTING_AGES]),
    ]
    title = ("Alueella työssäkäyvät (työpaikat) muuttujina Työpaikan alue, Vuosi, Tiedot, Pendelöinti, "
             "Koulutusaste ja Ikä")
    notes = ["Alueella työssäkäyvät (18–74-vuotiaat) kunnittain, kuntajako 2022 (Tilastokeskus 115p, "
             "kaksi PxWeb-Excel-vientiä yhdistettynä)."]
    payload = _jsonstat(title, "Tilastokeskus, työssäkäynti", None, notes, dims, values, "115p")
    name = f"tyokay_115p_commuting_municipalities_{COMMUTING_YEARS[0]}-{COMMUTING_YEARS[-1]}.json.gz"
    record = {
        "dataset": "commuting", "kind": "data", "media_type": "application/json-stat2",
        "producer": "Tilastokeskus (Statistics Finland), työssäkäynti", "table": "tyokay/115p",
        "title": (f"Employed by workplace municipality (2022 division): working in the home municipality and "
                  f"commuting in, by level of education and age 18–74, {COMMUTING_YEARS[0]}–{COMMUTING_YEARS[-1]}"),
        "period": f"{COMMUTING_YEARS[0]}–{COMMUTING_YEARS[-1]}",
        "url": STATFIN_TABLE.format(subject="tyokay", table="115p"),
        "recorded_from": {"repository": "EeroAnt/ML-draftarea",
                          "commit": "e168c5b9eeff54d56c894b8b035f481e91a6df41",
                          "path": "Asuinkunnassa_tyoskentelevat.xlsx (001_115p_2021), Alueelle_pendeloivat.xlsx "
                                  "(001_115p_2022), PxWeb Excel exports"},
        "conversion": (
            "the two workbooks (municipality names × years × education level × age group) as one json-stat2 "
            "dataset with the export's variables Työpaikan alue, Vuosi, Tiedot, Pendelöinti, Koulutusaste, Ikä "
            "(pre-2026 codes); the exports give category texts only, so the category codes are the project's "
            "(punos_lib.reference.statfin_codes; content 'tyopaikat'); names replaced by municipality codes "
            "KUxxx of the 2022 key (rOpenGov/geofi municipality_key_2022); subset to the years "
            f"{COMMUTING_YEARS[0]}–{COMMUTING_YEARS[-1]} (the in-commuters' 2022 column has no partner in "
            "the other export and is left out); every count unchanged"),
        "recorded_sha256": {f"commuting/{p.name}": _sha(p) for p in files.values()}
        | {"keys/municipality_key_2022.csv": _sha(ref / "keys" / "municipality_key_2022.csv")},
    }
    return {name: _gzip(_canonical(payload))}, {name: record}


def build_115b(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    from punos_lib.reference.statfin_codes import ACTIVITY_AGES, MAIN_ACTIVITIES

    path = ref / "commuting" / "vaestorakenne.xlsx"
    rows = _export_rows(path)
    header_ages = [str(c) for c in rows[2] if c is not None]
    header_activities = [str(c) for c in rows[4] if c is not None]
    if header_ages != [t for _, t in ACTIVITY_AGES] or header_activities != [t for _, t in MAIN_ACTIVITIES] * 3:
        raise SystemExit(f"{path}: the header is not age group × main type of activity as expected")
    names: dict[str, str] = {}

    def code_of(label: str) -> str:
        code, _, name = label.partition(" ")  # "005 Alajärvi"
        names[f"KU{code}"] = name
        return f"KU{code}"

    blocks = _export_blocks(path, rows, 5, len(header_activities), code_of)
    if len(names) != len(_key_names(ref, 2022)):
        raise SystemExit(f"{path}: {len(names)} municipalities, the 2022 key has {len(_key_names(ref, 2022))}")
    areas = list(names)
    values: list[Any] = []
    for area in areas:  # Alue × Vuosi × Ikä × Tiedot × Pääasiallinen toiminta (the export's order)
        for year in COMMUTING_YEARS:
            values.extend(blocks[(area, year)])
    dims = [
        ("Alue", "Alue", "geo", areas, [names[a] for a in areas]),
        ("Vuosi", "Vuosi", "time", COMMUTING_YEARS, COMMUTING_YEARS),
        ("Ikä", "Ikä", None, [c for c, _ in ACTIVITY_AGES], [t for _, t in ACTIVITY_AGES]),
        ("Tiedot", "Tiedot", "metric", ["vaesto"], ["Väestö 31.12."]),
        ("Pääasiallinen toiminta", "Pääasiallinen toiminta", None, [c for c, _ in MAIN_ACTIVITIES],
         [t for _, t in MAIN_ACTIVITIES]),
    ]
    notes = ["Väestö pääasiallisen toiminnan ja iän mukaan kunnittain, kuntajako 2022 (Tilastokeskus 115b, "
             "PxWeb-Excel-vienti)."]
    payload = _jsonstat(str(rows[0][0]), "Tilastokeskus, työssäkäynti", None, notes, dims, values, "115b")
    name = f"tyokay_115b_main_activity_municipalities_{COMMUTING_YEARS[0]}-{COMMUTING_YEARS[-1]}.json.gz"
    record = {
        "dataset": "employment_status", "kind": "data", "media_type": "application/json-stat2",
        "producer": "Tilastokeskus (Statistics Finland), työssäkäynti", "table": "tyokay/115b",
        "title": (f"Population by municipality (2022 division), age group (0-17, 18-64, 65-) and main type of "
                  f"activity (employed, unemployed, …), {COMMUTING_YEARS[0]}–{COMMUTING_YEARS[-1]}"),
        "period": f"{COMMUTING_YEARS[0]}–{COMMUTING_YEARS[-1]}",
        "url": STATFIN_TABLE.format(subject="tyokay", table="115b"),
        "recorded_from": {"repository": "EeroAnt/ML-draftarea",
                          "commit": "e168c5b9eeff54d56c894b8b035f481e91a6df41",
                          "path": "vaestorakenne.xlsx (PxWeb Excel export, internal code 001_115b_2021)"},
        "conversion": (
            "the workbook's table (municipality code and name × years × age group × main type of activity) as "
            "json-stat2 with the export's variables Alue, Vuosi, Ikä, Tiedot, Pääasiallinen toiminta (pre-2026 "
            "codes); the export gives category texts only, so the category codes are the project's "
            "(punos_lib.reference.statfin_codes; content 'vaesto'); area codes KUxxx from the export's own "
            f"municipality numbers; subset to the years {COMMUTING_YEARS[0]}–{COMMUTING_YEARS[-1]}; every "
            "count unchanged"),
        "recorded_sha256": {"commuting/vaestorakenne.xlsx": _sha(path)},
    }
    return {name: _gzip(_canonical(payload))}, {name: record}


# ------------------------------------------------------------------------------------------------
# jobseekers and vacancies (tyonv 12r5, 12ti): PTT's tidy conversion of StatFin responses

TYONV_RECORDED = {"repository": "pttry/kohtaantoindeksit", "commit": "ad3341826db4be1b343d88c860f90a4df044412c"}


def _tyonv_frame(path: Path, months: int) -> tuple[Any, list[str]]:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    wanted = sorted(frame["kuukausi"].unique())[-months:]
    return frame[frame["kuukausi"].isin(wanted)], wanted


def _area_names(ref: Path, year: int) -> dict[str, str]:
    """Names of the country, regions, sub-regions, ELY centres and municipalities of a key year."""
    names = {"SSS": "KOKO MAA"}
    with (ref / "keys" / f"municipality_key_{year}.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names[f"KU{row['kunta'].zfill(3)}"] = row["municipality_name_fi"]
            names[f"MK{row['maakunta_code'].zfill(2)}"] = row["maakunta_name_fi"]
            names[f"SK{row['seutukunta_code'].zfill(3)}"] = row["seutukunta_name_fi"]
            names[f"ELY{row['ely_code'].zfill(2)}"] = row["ely_name_fi"]
    return names


def _tyonv_values(frame: Any, keys: list[str], order: list[list[str]]) -> list[Any]:
    """Values in row-major order of ``order`` (one list of codes per key); empty cells are null."""
    import itertools

    lookup = {tuple(k): v for k, v in zip(frame[keys].itertuples(index=False, name=None), frame["value"],
                                          strict=True)}
    out: list[Any] = []
    for cell in itertools.product(*order):
        text = lookup.get(cell)
        if text is None:
            raise SystemExit(f"tyonv: no row for {cell}")
        out.append(None if text == "" else int(float(text)))
    return out


def build_12r5(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    from punos_lib.reference.statfin_codes import TYONV_12R5_CONTENTS

    path = ref / "tyonv" / "12r5_areas_2006M01-2023M10.csv.gz"
    frame, months = _tyonv_frame(path, 60)  # the declaration's "top:60"
    names = _area_names(ref, 2023)
    areas = list(dict.fromkeys(frame["alue"]))
    lacking = [a for a in areas if a not in names]
    if lacking:
        raise SystemExit(f"{path}: areas {lacking[:5]} are not in the 2023 municipality key")
    texts = dict(TYONV_12R5_CONTENTS)
    contents = list(dict.fromkeys(frame["tiedot"]))
    values = _tyonv_values(frame, ["alue", "kuukausi", "tiedot"], [areas, months, contents])
    dims = [
        ("Alue", "Alue", "geo", areas, [names[a] for a in areas]),
        ("Kuukausi", "Kuukausi", "time", months, months),
        ("Tiedot", "Tiedot", "metric", contents, [texts[c] for c in contents]),
    ]
    title = "Työnhakijat ja avoimet työpaikat kuukauden lopussa muuttujina Alue, Kuukausi ja Tiedot"
    notes = ["Työ- ja elinkeinotoimistojen asiakasrekisteri (työnvälitystilasto), kuukauden viimeinen arkipäivä."]
    payload = _jsonstat(title, "KEHA-keskus, työnvälitystilasto", None, notes, dims, values, "12r5")
    name = f"tyonv_12r5_areas_{months[0]}-{months[-1]}.json.gz"
    record = {
        "dataset": "jobseekers_by_area", "kind": "data", "media_type": "application/json-stat2",
        "producer": "KEHA-keskus / Tilastokeskus, työnvälitystilasto", "table": "tyonv/12r5",
        "title": (f"Unemployed jobseekers, labour force and open vacancies at month end by area (country, "
                  f"regions, sub-regions, ELY centres, municipalities of 2023), {months[0]}–{months[-1]}"),
        "period": f"{months[0]}–{months[-1]}",
        "url": STATFIN_TABLE.format(subject="tyonv", table="12r5"),
        "recorded_from": {**TYONV_RECORDED, "path": "data/tyonv_12r5.rda (fetched from StatFin by PTT in 2023; "
                                                    "tyonv/12r5_areas_2006M01-2023M10.csv.gz in the shared reference)"},
        "conversion": (
            "the tidy CSV (alue, tiedot, kuukausi, value) as json-stat2 with the table's pre-2026 variable codes "
            "Alue, Kuukausi, Tiedot; the last 60 months (the declaration's top:60); area names from the 2023 "
            "municipality key (rOpenGov/geofi), content texts from the real 12r5 .px (toppyy/duckdb-px); "
            "every count unchanged"),
        "recorded_sha256": {"tyonv/12r5_areas_2006M01-2023M10.csv.gz": _sha(path),
                            "keys/municipality_key_2023.csv": _sha(ref / "keys" / "municipality_key_2023.csv")},
    }
    return {name: _gzip(_canonical(payload))}, {name: record}


def build_12ti(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    from punos_lib.reference.statfin_codes import TYONV_12R5_CONTENTS

    path = ref / "tyonv" / "12ti_regions_occupations_2006M01-2023M10.csv.gz"
    frame, months = _tyonv_frame(path, 36)  # the declaration's "top:36"
    names = _area_names(ref, 2023)
    areas = list(dict.fromkeys(frame["alue"]))
    occupations = list(dict.fromkeys(frame["ammattiryhma"]))
    aml = ref / "classifications" / "jhs_ammatti_1_20100101.csv"
    with aml.open(encoding="utf-8", newline="") as fh:
        occupation_names = {row["CODEVALUE"]: row["PREFLABEL_FI"] for row in csv.DictReader(fh)}
    occupation_names["SSS"] = "Yhteensä"

    def occupation_text(code: str) -> str:
        if code.startswith("X"):
            return f"{code} Ammattiryhmä tuntematon"  # tyonv's own classes; their texts are not recorded
        if code not in occupation_names:
            raise SystemExit(f"{path}: occupation {code!r} is not in Ammattiluokitus 2010 ({aml.name})")
        return occupation_names[code] if code == "SSS" else f"{code} {occupation_names[code]}"

    texts = dict(TYONV_12R5_CONTENTS)
    contents = list(dict.fromkeys(frame["tiedot"]))
    values = _tyonv_values(frame, ["alue", "ammattiryhma", "kuukausi", "tiedot"],
                           [areas, occupations, months, contents])
    dims = [
        ("Alue", "Alue", "geo", areas, [names[a] for a in areas]),
        ("Ammattiryhmä", "Ammattiryhmä", None, occupations, [occupation_text(c) for c in occupations]),
        ("Kuukausi", "Kuukausi", "time", months, months),
        ("Tiedot", "Tiedot", "metric", contents, [texts[c] for c in contents]),
    ]
    title = ("Työttömät työnhakijat ja avoimet työpaikat kuukauden lopussa muuttujina Alue, Ammattiryhmä, "
             "Kuukausi ja Tiedot")
    notes = ["Pienet luvut on salattu (tyhjä arvo)."]
    payload = _jsonstat(title, "KEHA-keskus, työnvälitystilasto", None, notes, dims, values, "12ti")
    name = f"tyonv_12ti_regions_occupations_{months[0]}-{months[-1]}.json.gz"
    record = {
        "dataset": "jobseekers_by_occupation", "kind": "data", "media_type": "application/json-stat2",
        "producer": "KEHA-keskus / Tilastokeskus, työnvälitystilasto", "table": "tyonv/12ti",
        "title": (f"Unemployed jobseekers and open vacancies at month end by region (country and 19 regions) "
                  f"and 4-digit occupation (AML 2010 and tyonv's X classes), {months[0]}–{months[-1]}"),
        "period": f"{months[0]}–{months[-1]}",
        "url": STATFIN_TABLE.format(subject="tyonv", table="12ti"),
        "recorded_from": {**TYONV_RECORDED, "path": "data/tyonv_12ti.rda (fetched from StatFin by PTT in 2023; "
                                                    "tyonv/12ti_regions_occupations_2006M01-2023M10.csv.gz in the "
                                                    "shared reference)"},
        "conversion": (
            "the tidy CSV (alue, ammattiryhma, tiedot, kuukausi, value) as json-stat2 with the table's pre-2026 "
            "variable codes Alue, Ammattiryhmä, Kuukausi, Tiedot; the last 36 months (the declaration's top:36); "
            "suppressed (empty) cells as null; region names from the 2023 municipality key, occupation names "
            "from Ammattiluokitus 2010 (VRK-YTI/yti-codelist-content-intake-service), the X classes named "
            "'Ammattiryhmä tuntematon' by us (their texts are not recorded); every count unchanged"),
        "recorded_sha256": {"tyonv/12ti_regions_occupations_2006M01-2023M10.csv.gz": _sha(path),
                            "classifications/jhs_ammatti_1_20100101.csv": _sha(aml)},
    }
    return {name: _gzip(_canonical(payload))}, {name: record}


# ------------------------------------------------------------------------------------------------
# classifications: TOL 2008 (the recorded classification-API response), AML 2010 and Koulutusala 2016
# (the JHS code lists in the classification API's item shape)

CLASSIFICATION_ITEMS = "https://data.stat.fi/api/classifications/v2/classifications/{id}/classificationItems?content=data&meta=max&lang=fi"
JHS_RECORDED = {"repository": "VRK-YTI/yti-codelist-content-intake-service",
                "commit": "74ba67c6998043d4efeac17afc246fa470d2fa13"}


def _jhs_items(path: Path, classification: str, title: str) -> list[dict[str, Any]]:
    """The JHS code list as classification-API items: code, Finnish name, level and parent by code prefix."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = {row["CODEVALUE"] for row in rows}
    items = []
    for order, row in enumerate(rows, start=1):
        code = row["CODEVALUE"]
        parent = next((code[:k] for k in range(len(code) - 1, 0, -1) if code[:k] in codes), None)
        level, up = 1, parent
        while up is not None:  # the hierarchy follows code prefixes (no parent column in the file)
            level += 1
            up = next((up[:k] for k in range(len(up) - 1, 0, -1) if up[:k] in codes), None)
        items.append({
            "classification": {"localId": classification, "classificationName": [
                {"langName": "suomi", "lang": "fi", "name": title}]},
            "localId": f"{classification}/{code}", "level": float(level), "code": code, "order": order * 10,
            "parentItemLocalId": f"{classification}/{parent}" if parent else None, "parentCode": parent,
            "classificationItemNames": [{"langName": "suomi", "lang": "fi", "name": row["PREFLABEL_FI"]}],
        })
    return items


def build_classifications(ref: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    folder = ref / "classifications"
    tol = folder / "api_json" / "toimiala_fi.json"
    files = {"classification_toimiala_1_20080101_fi.json.gz": _gzip(tol.read_bytes())}
    common = {"kind": "classification", "media_type": "application/json",
              "producer": "Tilastokeskus (Statistics Finland), luokitukset"}
    records = {
        "classification_toimiala_1_20080101_fi.json.gz": {
            **common, "dataset": "tol2008", "table": "toimiala_1_20080101", "period": "TOL 2008",
            "title": "Standard Industrial Classification TOL 2008: total, sections and divisions (Finnish names)",
            "url": CLASSIFICATION_ITEMS.format(id="toimiala_1_20080101"),
            "recorded_from": {"repository": "Opetushallitus/jod-yksilo-ui",
                              "commit": "d9bfaebade5c074bce15a4bee5cc7c60964022ef",
                              "path": "src/utils/codes/ (classifications/api_json/toimiala_fi.json in the shared "
                                      "reference)"},
            "conversion": "the recorded classification-API response (levels 0-2), gzip-compressed; bytes unchanged",
            "recorded_sha256": {"classifications/api_json/toimiala_fi.json": _sha(tol)},
        },
    }
    for dataset, classification, source, title, period, what in (
            ("aml2010", "ammatti_1_20100101", "jhs_ammatti_1_20100101.csv", "Ammattiluokitus 2010",
             "Ammattiluokitus 2010", "Classification of Occupations 2010, levels 1-5"),
            ("koulutusala2016", "koulutusala_1_20160101", "jhs_koulutus_1_20160101.csv",
             "Koulutusalaluokitus 2016", "Koulutusala 2016",
             "Field of education 2016 (ISCED-F 2013), broad, narrow and detailed fields")):
        path = folder / source
        name = f"classification_{classification}_fi.json.gz"
        files[name] = _gzip(_canonical(_jhs_items(path, classification, title)))
        records[name] = {
            **common, "dataset": dataset, "table": classification, "period": period,
            "title": f"{what} (Finnish names)", "url": CLASSIFICATION_ITEMS.format(id=classification),
            "recorded_from": {**JHS_RECORDED, "path": f"src/main/resources/codes/ (classifications/{source} in "
                                                      "the shared reference; the koodistot.suomi.fi import of 2018)"},
            "conversion": (
                "every row of the JHS code list written as a classification-API item (the shape `punos fetch` "
                "stores): CODEVALUE as code, PREFLABEL_FI as the Finnish name, the parent as the longest code "
                "that is a prefix of the code and the level from that hierarchy (the file has no parent "
                "column); Swedish and English names and descriptions left out; codes and names unchanged"),
            "recorded_sha256": {f"classifications/{source}": _sha(path)},
        }
    return files, records


BUILDERS: list[Callable[[Path], tuple[dict[str, bytes], dict[str, Any]]]] = [
    build_11re, build_11ra, build_14wx, build_key, build_boundaries,
    build_115p, build_115b, build_12r5, build_12ti, build_classifications,
]


def _provenance_md(records: dict[str, Any]) -> str:
    # "period" is in Finnish: the study's introduction shows it to readers.
    lines = [
        "# Bundled real data: provenance",
        "",
        "Real statistics recorded from public repositories and converted by `tools/bundle_real_data.py`",
        "(generated file; do not edit by hand). `punos bundle` turns them into snapshot entries",
        "(`synthetic: false`, source `bundled`); `punos fetch` replaces them with fresh API data.",
        "",
        "Licence of the data: CC BY 4.0. Attribution: \"Lähde: Tilastokeskus\" (Statistics Finland), for the",
        "region boundaries \"Lähde: Maanmittauslaitos\" (National Land Survey of Finland).",
        "The repositories the files were recorded from carry no licence of their own for the data; the data",
        "are the producers' open data.",
        "",
    ]
    for name, rec in records.items():
        src = rec["recorded_from"]
        lines += [
            f"## {name}",
            "",
            f"- dataset: `{rec['dataset']}` ({rec['kind']})",
            f"- producer and table: {rec['producer']}, {rec['table']}",
            f"- content: {rec['title']}",
            f"- period: {rec['period']}",
            f"- recorded from: {src['repository']} @ {src['commit']}, {src['path']}",
            f"- conversion: {rec['conversion']}",
            f"- sha256: `{rec['sha256']}` ({rec['bytes']} bytes)",
            f"- licence: {rec['licence']}; attribution: \"{rec['attribution']}\"",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ref = Path(argv[1]) if len(argv) > 1 else DEFAULT_REFERENCE
    out = Path(argv[2]) if len(argv) > 2 else OUT
    if not ref.is_dir():
        print(f"no reference folder at {ref}; give its path", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    records: dict[str, Any] = {}
    for build in BUILDERS:
        files, recs = build(ref)
        for name, payload in files.items():
            (out / name).write_bytes(payload)
            # every record: the licence and attribution of Statistics Finland unless the builder says otherwise
            records[name] = {"licence": LICENCE, "attribution": ATTRIBUTION, **recs[name], "converted": CONVERTED,
                             "sha256": hashlib.sha256(payload).hexdigest(), "bytes": len(payload)}
            print(f"wrote data/real/{name} ({len(payload):,} bytes)")
    index = {"format": "punos-bundle", "version": 1, "files": records}
    header = "# Generated by tools/bundle_real_data.py: the bundled real data and their provenance.\n"
    (out / "bundle.yaml").write_text(header + yaml.safe_dump(index, allow_unicode=True, sort_keys=False, width=100),
                                     encoding="utf-8")
    (out / "PROVENANCE.md").write_text(_provenance_md(records), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
