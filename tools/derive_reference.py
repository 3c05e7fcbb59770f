"""Derive the small curated reference tables under data/ from Statistics Finland sources.

Run by a developer where the recorded public files exist (../shared/data/reference); users never
need it. The outputs are committed: they are facts (classification names, the municipal division,
approximate municipality centres) with their source named in data/README.md, not statistics.

    python tools/derive_reference.py /path/to/shared/data/reference
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from pyproj import Transformer
from shapely.geometry import shape

OUT = Path(__file__).resolve().parent.parent / "data"


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)")


def classifications(ref: Path) -> None:
    cls = ref / "classifications"
    tol = list(csv.DictReader((cls / "jhs_toimiala_1_20080101.csv").open(encoding="utf-8")))
    rows = []
    for r in tol:
        code = r["CODEVALUE"]
        if (len(code) == 1 and code.isalpha()) or (len(code) == 2 and code.isdigit() and code != "00"):
            rows.append([code, "section" if code.isalpha() else "division",
                         r["PREFLABEL_FI"], r["PREFLABEL_SV"], r["PREFLABEL_EN"]])
    _write(OUT / "classifications" / "tol2008.csv", ["code", "level", "name_fi", "name_sv", "name_en"], rows)

    aml = list(csv.DictReader((cls / "jhs_ammatti_1_20100101.csv").open(encoding="utf-8")))
    rows = [[r["CODEVALUE"], len(r["CODEVALUE"]), r["PREFLABEL_FI"], r["PREFLABEL_SV"], r["PREFLABEL_EN"]]
            for r in aml if len(r["CODEVALUE"]) <= 4]
    _write(OUT / "classifications" / "aml2010.csv", ["code", "level", "name_fi", "name_sv", "name_en"], rows)

    kou = list(csv.DictReader((cls / "jhs_koulutus_1_20160101.csv").open(encoding="utf-8")))
    rows = [[r["CODEVALUE"], len(r["CODEVALUE"]) - 1, r["PREFLABEL_FI"], r["PREFLABEL_SV"], r["PREFLABEL_EN"]]
            for r in kou]
    _write(OUT / "classifications" / "koulutusala2016.csv", ["code", "level", "name_fi", "name_sv", "name_en"], rows)


def municipalities(ref: Path) -> None:
    key = {r["kunta"]: r for r in csv.DictReader((ref / "keys" / "municipality_key_2025.csv").open(encoding="utf-8"))}
    geo = json.loads((ref / "geo" / "kunta1000k_2025_with_neighbors_and_province.geojson").read_text(encoding="utf-8"))
    to3067 = Transformer.from_crs("EPSG:4326", "EPSG:3067", always_xy=True)
    centres = {}
    for feat in geo["features"]:
        pt = shape(feat["geometry"]).representative_point()
        x, y = to3067.transform(pt.x, pt.y)
        centres[feat["properties"]["kunta"]] = (round(x / 1000), round(y / 1000))
    rows = []
    for code in sorted(key):
        r = key[code]
        x, y = centres[code]
        rows.append([
            code, r["municipality_name_fi"], r["municipality_name_sv"], r["municipality_name_en"],
            f"MK{int(r['maakunta_code']):02d}", r["maakunta_name_fi"], r["maakunta_name_sv"], r["maakunta_name_en"],
            f"SK{int(r['seutukunta_code']):03d}", r["seutukunta_name_fi"],
            r["tyollisyysalue_code"], r["tyollisyysalue_name_fi"], x, y,
        ])
    _write(OUT / "classifications" / "municipalities_2025.csv",
           ["code", "name_fi", "name_sv", "name_en", "region", "region_name_fi", "region_name_sv",
            "region_name_en", "subregion", "subregion_name_fi", "employment_area", "employment_area_name_fi",
            "x_km", "y_km"], rows)

    # Codes that disappear between consecutive key years are mergers into the code that
    # takes over the name-bearing successor (read from the next year's key by name match is not
    # possible, so the successor is the municipality listed in the statistics' merger note).
    years = {y: {r["kunta"] for r in csv.DictReader((ref / "keys" / f"municipality_key_{y}.csv").open(encoding="utf-8"))}
             for y in range(2021, 2027)}
    for y in range(2022, 2027):
        gone = sorted(years[y - 1] - years[y])
        if gone:
            print(f"{y}: codes gone since {y - 1}: {gone}")


if __name__ == "__main__":
    reference = Path(sys.argv[1])
    classifications(reference)
    municipalities(reference)
