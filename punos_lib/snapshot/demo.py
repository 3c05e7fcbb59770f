"""A deterministic synthetic snapshot in the exact shapes of the real responses (``punos demo``).

The demo lets a user build and read the whole study without network access. Every payload is
written through :class:`punos_lib.snapshot.store.Snapshot` with ``synthetic: true``, source ``"demo"``,
licence ``"CC BY 4.0 (synthetic)"`` and the attribution *"Esimerkkiaineisto – ei todellisia
tilastoja"*, so anything built from it says it is not statistics.

Shapes (so that the same reading code runs on demo and real data):

- StatFin tables: a ``metadata`` entry (PxWeb v1 table metadata: ``title``, ``variables`` with
  ``code, text, values, valueTexts`` and ``elimination``/``time``/``map`` where StatFin sends them)
  and ``data-1..n`` json-stat2 entries, split over ``maxCells`` = 120,000 the way the client splits
  a real fetch (the variable with the most selected values is cut into equal chunks). Variable
  codes are the post-8-June-2026 ones (``alue_23_20260101``, ``ikaryhma_10_20180101``,
  ``timeperiod_y``, ``contentscode`` with ``vaerak-vaesto``; tyonv keeps ``Alue``,
  ``Ammattiryhmä``, ``timeperiod_m``). Table 14wx uses the 2024 municipal division (309
  municipalities, KU588 Pertunmaa separate from KU507 Mäntyharju) so harmonisation runs. Suppressed
  small cells of 12ti are ``null`` with status ``"..."``. What the real metadata shows (DOMAIN.md,
  tests/snapshot/test_demo_real_shapes.py compares with every recording there is): 14wx's content is
  ``vaesto_e24`` and it runs 2024–2045; 125s has one content, the ratio; 115r has ten-year age groups
  (``18-24`` … ``65-74``), the occupation total ``SSSSS``, labels ending "(Taso N)" and dotted
  level-5 copies (``2512.``) of 4-digit groups; 12r5 has 23 contents, sub-regions and codes for an
  unknown area or abroad (``KU199``, ``MKJO``, …); 12ti has tyonv's own X classes. 115p and 115b
  use the pre-2026 variable codes of the real PxWeb Excel exports (``Työpaikan alue``,
  ``Pendelöinti``, ``Pääasiallinen toiminta``…), their category codes from
  :mod:`punos_lib.reference.statfin_codes`.
- Vipunen (``higher_education``): the field list of ``opiskelijat_ja_tutkinnot``
  (:data:`punos_lib.sources.vipunen.HIGHER_EDUCATION_FIELDS`) as ``metadata`` and its rows in
  pages of 1,000 (``resource-1..n``), every field of the real rows present: one row per year,
  sector (*Ammattikorkeakoulukoulutus*, *Yliopistokoulutus*), institution, detailed field of
  education (names of Koulutusala 2016 levels 1–3), sex and ``koulutuksen_maakunta`` (the
  region's name).
- Imports (``education_supply`` — vocational education, level ``ammatillinen`` —,
  ``workforce_by_occupation_age``): CSV with the declared columns.
- Classifications: classification-API item lists built from ``data/classifications/*.csv`` (the
  names are real; the entries are still flagged synthetic because nothing was fetched). After
  ``punos bundle`` (as ``make study`` runs it) the bundled real classifications are in the
  snapshot and the demo leaves them alone, as it leaves every real entry. The
  municipality key: correspondence-table ``maps`` (municipality → region, sub-region, employment
  area) built from ``municipalities_2025.csv``.
- Boundaries: none. The demo never invents polygons; maps fall back to a tile grid.

Magnitudes (rounded public figures the synthetic numbers are scaled to; everything else is random):

- Population on 31 Dec 2024 by region, rounded (Statistics Finland): Uusimaa 1.76 M, Pirkanmaa
  535,000, Varsinais-Suomi 490,000, …, Etelä-Savo 129,000, Ahvenanmaa 30,500; Finland ≈ 5.6 M.
  Etelä-Savo's municipalities are scaled to rounded 2024 sizes (Mikkeli ≈ 52,000, Savonlinna
  ≈ 31,500, Pieksämäki ≈ 17,000, …). Etelä-Savo falls ≈ 0.8 %/yr, Uusimaa grows ≈ 0.9 %/yr.
- Age: Etelä-Savo has Finland's oldest structure (age profile tilted towards the old), Uusimaa
  the youngest.
- Jobs: ≈ 49,500 in Etelä-Savo (end of 2022), ≈ 0.45 jobs per resident nationally; social and
  health care (TOL Q) ≈ 25 % of jobs in Etelä-Savo, ≈ 18 % nationally.
- Unemployed jobseekers ≈ 10 % of the labour force (seasonal: higher in winter and July); open
  vacancies ≈ 12 % of the unemployed.
- Education: new students per year ≈ 100,000 vocational (by broad field), 40,000 UAS and
  30,000 university (by detailed field, each region teaching only some fields) nationally, spread
  over regions by population; degrees ≈ 70 % of entrants.

Determinism: one :class:`numpy.random.Generator` (PCG64) seeded with ``seed``, fixed timestamps
(``2025-12-31T00:00:00Z``) and canonical JSON, so two builds with the same seed are byte-identical.

Examples
--------
>>> from punos_lib import demo
>>> snap = demo.build_demo("/tmp/punos-demo", progress=False)   # doctest: +SKIP
>>> snap.synthetic()                                              # doctest: +SKIP
True
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from punos_lib.reference import declarations as _declarations
from punos_lib.sources import statfin, vipunen
from punos_lib.reference.declarations import Declaration
from punos_lib.errors import InputError
from punos_lib.paths import data_dir
from punos_lib.reference.sectors import load_sectors
from punos_lib.reference.statfin_codes import (ACTIVITY_AGES, COMMUTING_AGES, COMMUTING_EDUCATION,
                                              COMMUTING_KINDS, MAIN_ACTIVITIES, NON_AREA_TEXT,
                                              OCCUPATION_AGES, SELF_SUFFICIENCY_CONTENT,
                                              TYONV_12R5_CONTENTS, TYONV_NON_AREAS,
                                              TYONV_X_OCCUPATIONS)
from punos_lib.snapshot.store import Snapshot

__all__ = ["build_demo", "DEMO_SEED", "LICENCE", "ATTRIBUTION", "FIXED_TIME", "MAX_CELLS"]

DEMO_SEED = 20251231
LICENCE = "CC BY 4.0 (synthetic)"
ATTRIBUTION = "Esimerkkiaineisto – ei todellisia tilastoja"
FIXED_TIME = "2025-12-31T00:00:00Z"
MAX_CELLS = 120_000  # StatFin ?config maxCells on 2026-08-29
SOURCE = "demo"
NOTE = (
    "SYNTHETIC demo data generated by punos_lib.snapshot.demo (seed {seed}) in the shape of the real "
    "response; the numbers are not statistics."
)

# Rounded populations on 31 Dec 2024 (Statistics Finland, väestörakenne), used only as scale.
REGION_POPULATION_2024: dict[str, int] = {
    "MK01": 1_760_000, "MK02": 490_000, "MK04": 214_000, "MK05": 170_000, "MK06": 535_000,
    "MK07": 205_000, "MK08": 160_000, "MK09": 125_000, "MK10": 129_000, "MK11": 248_000,
    "MK12": 163_000, "MK13": 276_000, "MK14": 191_000, "MK15": 177_000, "MK16": 68_000,
    "MK17": 419_000, "MK18": 71_000, "MK19": 177_000, "MK21": 30_500,
}
# Rounded 2024 sizes of Etelä-Savo's municipalities (2025 division; Mäntyharju incl. Pertunmaa).
ETELA_SAVO_2024: dict[str, int] = {
    "491": 52_000, "740": 31_500, "593": 17_000, "507": 7_300, "178": 5_900, "213": 5_000,
    "681": 3_400, "768": 2_500, "623": 2_200, "097": 2_100, "046": 1_300,
}
PERTUNMAA_SHARE = 0.23  # of 2024 Mäntyharju+Pertunmaa, for the 2024-division table 14wx
_GROWTH: dict[str, float] = {"MK10": -0.008, "MK01": 0.009, "MK06": 0.006, "MK02": 0.003,
                             "MK17": 0.002, "MK21": 0.004}
_AGE_TILT: dict[str, float] = {"MK10": 0.45, "MK01": -0.3, "MK06": -0.1, "MK17": -0.15,
                               "MK18": 0.35, "MK12": 0.3, "MK08": 0.3, "MK09": 0.3}
# National shares of jobs by TOL 2008 section (approximate, %); Q is set to 18 %.
_SECTION_SHARE: dict[str, float] = {
    "A": 3.3, "B": 0.2, "C": 13.5, "D": 0.6, "E": 0.6, "F": 7.3, "G": 11.5, "H": 5.9, "I": 3.8,
    "J": 4.4, "K": 1.8, "L": 1.2, "M": 5.2, "N": 4.6, "O": 4.9, "P": 7.4, "Q": 18.0, "R": 1.9,
    "S": 2.3, "T": 0.1, "U": 0.05, "X": 0.5,
}
# TOL 2008 section of each division (NACE Rev. 2 structure).
_SECTION_RANGES: list[tuple[str, int, int]] = [
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99), ("X", 0, 0),
]
_EMPLOYED_AGE_GROUPS = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
                        "55-59", "60-64", "65-74"]
_EMPLOYED_AGE_SHARE = np.array([3, 8, 11, 12, 12, 12, 11, 11, 10, 8, 2], dtype=float)
# employed by ten-year age group (115r): 18-24 … 65-74
_OCCUPATION_AGE_SHARE = np.array([9, 22, 23, 22, 20, 4], dtype=float)

_TABLE_URL = "https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/{table}.px"


# ------------------------------------------------------------------------------------------------
# curated facts


@dataclass(frozen=True)
class _Facts:
    munis: pd.DataFrame  # 2025 division, from municipalities_2025.csv
    regions: pd.DataFrame  # region, name
    tol: pd.DataFrame
    aml: pd.DataFrame
    edu: pd.DataFrame


def _read_csv(name: str) -> pd.DataFrame:
    path = data_dir() / "classifications" / name
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc}); the curated tables ship with the project") from exc


def _facts() -> _Facts:
    munis = _read_csv("municipalities_2025.csv")
    regions = (
        munis[["region", "region_name_fi"]].drop_duplicates().sort_values("region").reset_index(drop=True)
    )
    return _Facts(munis, regions, _read_csv("tol2008.csv"), _read_csv("aml2010.csv"),
                  _read_csv("koulutusala2016.csv"))


# ------------------------------------------------------------------------------------------------
# StatFin table shapes


@dataclass
class _Var:
    code: str
    text: str
    values: list[str]
    texts: list[str]
    role: str | None = None  # geo, time, metric
    elimination: bool = False
    map: str | None = None
    units: dict[str, dict[str, Any]] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "text": self.text, "values": self.values,
                               "valueTexts": self.texts}
        if self.elimination:
            out["elimination"] = True
        if self.role == "time":
            out["time"] = True
        if self.map:
            out["map"] = self.map
        return out


@dataclass
class _Table:
    table: str  # "vaerak/11re"
    title: str
    source: str
    description: str
    variables: list[_Var]
    # Called with the resolved values per variable (None = eliminated) and returns the cube
    # (float, NaN = suppressed) in the order of the kept variables.
    cube: Callable[[dict[str, list[str]]], np.ndarray]
    decimals: int = 0
    suppressed_status: str | None = None


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _jsonstat(table: _Table, kept: list[_Var], values: list[list[str]], cube: np.ndarray) -> dict[str, Any]:
    subject, tid = table.table.split("/")
    dims: dict[str, Any] = {}
    for var, vals in zip(kept, values, strict=True):
        texts = dict(zip(var.values, var.texts, strict=True))
        category: dict[str, Any] = {"index": {c: i for i, c in enumerate(vals)},
                                    "label": {c: texts[c] for c in vals}}
        if var.role == "metric":
            category["unit"] = {c: var.units.get(c, {"base": "lukumäärä", "decimals": table.decimals})
                                for c in vals}
        ext: dict[str, Any] = {"elimination": var.elimination, "show": "value"}
        if var.elimination:
            ext["eliminationValueCode"] = "SSS"
        dims[var.code] = {"label": var.text, "category": category, "extension": ext}
    flat = cube.reshape(-1)
    missing = np.isnan(flat)
    if table.decimals == 0:
        cells = np.rint(np.nan_to_num(flat)).astype(np.int64).astype(object)
    else:
        cells = np.round(np.nan_to_num(flat), table.decimals).astype(object)
    cells[missing] = None
    roles = {r: [v.code for v in kept if v.role == r] for r in ("time", "geo", "metric")}
    payload: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": table.title,
        "source": table.source,
        "updated": FIXED_TIME,
        "note": ["Esimerkkiaineisto – ei todellisia tilastoja (synthetic demo data)."],
        "role": {r: c for r, c in roles.items() if c},
        "id": [v.code for v in kept],
        "size": [len(v) for v in values],
        "dimension": dims,
        "extension": {
            "px": {
                "tableid": tid,
                "decimals": table.decimals,
                "official-statistics": False,
                "aggregallowed": True,
                "language": "fi",
                "contents": table.title,
                "description": table.description,
                "descriptiondefault": False,
                "heading": [v.code for v in kept if v.role in ("time", "metric")],
                "stub": [v.code for v in kept if v.role not in ("time", "metric")],
                "matrix": tid,
                "subject-code": subject,
                "subject-area": subject,
            }
        },
        "value": cells.tolist(),
    }
    if table.suppressed_status and missing.any():
        payload["status"] = {str(i): table.suppressed_status for i in np.flatnonzero(missing).tolist()}
    return payload


def _write_statfin(snap: Snapshot, decl: Declaration, table: _Table, seed: int) -> None:
    if decl.selection is None:
        raise InputError(f"dataset {decl.id!r}: a StatFin dataset needs a selection in data/datasets.yaml")
    meta = {"title": table.title, "variables": [v.metadata() for v in table.variables]}
    # The client's own resolution and split, so demo parts are cut exactly like a real fetch.
    resolved = statfin.resolve_selection(meta, decl.selection, table=table.table)
    chosen: dict[str, list[str] | None] = {v.code: resolved.get(v.code) for v in table.variables}
    kept = [v for v in table.variables if chosen[v.code] is not None]
    values = [chosen[v.code] or [] for v in kept]
    cube = np.asarray(table.cube(chosen), dtype=float)
    expected = tuple(len(v) for v in values)
    if cube.shape != expected:  # a bug in a generator, not a user error
        raise RuntimeError(f"demo {table.table}: cube shape {cube.shape} != {expected}")
    note = NOTE.format(seed=seed)
    url = _TABLE_URL.format(table=table.table)
    common = dict(dataset=decl.id, source=SOURCE, licence=LICENCE, attribution=ATTRIBUTION,
                  synthetic=True, note=note, fetched_at=FIXED_TIME)
    snap.write(f"{decl.id}/metadata", _dumps(meta), kind="metadata", media_type="application/json",
               url=url, **common)
    chunks = statfin.split_selection({v.code: vals for v, vals in zip(kept, values, strict=True)}, MAX_CELLS)
    positions = [{c: i for i, c in enumerate(vals)} for vals in values]
    for number, chunk in enumerate(chunks, start=1):
        part_values = [chunk[v.code] for v in kept]
        index = np.ix_(*[np.array([pos[c] for c in pv]) for pos, pv in zip(positions, part_values, strict=True)])
        part_cube = cube[index]
        query = statfin.build_query(chunk)
        body = _dumps(_jsonstat(table, kept, part_values, part_cube))
        snap.write(f"{decl.id}/data-{number}", body, kind="data", media_type="application/json-stat2",
                   url=url, query=query, updated=FIXED_TIME, part=number, parts=len(chunks), **common)
    # A rebuild with fewer parts must not leave stale parts behind.
    stale = [e.id for e in snap.entries(dataset=decl.id)
             if e.kind == "data" and e.part is not None and e.part > len(chunks)]
    if stale:
        snap.remove(stale)


# ------------------------------------------------------------------------------------------------
# the synthetic world


class _World:
    """All synthetic quantities, drawn once from one generator in a fixed order."""

    def __init__(self, facts: _Facts, rng: np.random.Generator) -> None:
        self.facts = facts
        self.rng = rng
        munis = facts.munis
        self.codes = munis["code"].tolist()
        self.region_of = munis["region"].to_numpy()
        self.subregion_of = munis["subregion"].to_numpy()
        self.regions = facts.regions["region"].tolist()
        n = len(self.codes)
        # municipality sizes in 2024: random within region, Etelä-Savo from rounded real sizes
        weights = rng.lognormal(0.0, 1.1, n)
        pop = np.zeros(n)
        for region in self.regions:
            mask = self.region_of == region
            pop[mask] = weights[mask] / weights[mask].sum() * REGION_POPULATION_2024[region]
        for code, size in ETELA_SAVO_2024.items():
            pop[self.codes.index(code)] = size
        es = self.region_of == "MK10"
        pop[es] *= REGION_POPULATION_2024["MK10"] / pop[es].sum() * rng.normal(1.0, 0.005)
        self.pop2024 = pop * rng.normal(1.0, 0.02, n)
        self.growth = np.array([_GROWTH.get(r, -0.004) for r in self.region_of]) + rng.normal(0, 0.003, n)
        self.tilt = np.array([_AGE_TILT.get(r, 0.12) for r in self.region_of]) + rng.normal(0, 0.06, n)
        self.capital = np.zeros(n, dtype=bool)
        for region in self.regions:
            idx = np.flatnonzero(self.region_of == region)
            self.capital[idx[np.argmax(self.pop2024[idx])]] = True
        # jobs per resident and workplace self-sufficiency
        ratio = np.where(self.capital, 0.50, 0.34) * rng.normal(1.0, 0.06, n)
        ratio[self.region_of == "MK01"] *= 1.12
        self.job_ratio = ratio
        self.self_suff = np.where(self.capital, 1.15, 0.82) * rng.normal(1.0, 0.05, n)
        # industry: divisions, their sections, shares per municipality
        tol = facts.tol
        self.divisions = tol.loc[tol["level"] == "division", "code"].tolist()
        self.sections = tol.loc[tol["level"] == "section", "code"].tolist()
        self.div_section = np.array([_section_of(d) for d in self.divisions])
        sec_share = np.array([_SECTION_SHARE[s] for s in self.sections])
        sec_share = sec_share / sec_share.sum()
        div_w = rng.gamma(1.2, 1.0, len(self.divisions))
        for s in self.sections:
            m = self.div_section == s
            div_w[m] /= div_w[m].sum()
        self.div_weight = div_w
        muni_sec = sec_share[None, :] * rng.lognormal(0.0, 0.3, (n, len(self.sections)))
        q, a, c = (self.sections.index(x) for x in ("Q", "A", "C"))
        muni_sec[es, a] *= 2.0
        muni_sec[es, c] *= 0.8
        muni_sec /= muni_sec.sum(axis=1, keepdims=True)
        # Etelä-Savo ≈ 25 % social and health, the rest of the country ≈ 18 %
        target_q = np.where(es, 0.25, 0.18) * rng.normal(1.0, 0.08, n)
        rest = 1.0 - muni_sec[:, q]
        muni_sec *= ((1.0 - target_q) / rest)[:, None]
        muni_sec[:, q] = target_q
        self.muni_section = muni_sec
        self.res_noise = rng.lognormal(0.0, 0.05, (n, len(self.divisions)))
        # labour market
        self.unemp_rate = np.where(es, 0.10, 0.105) * rng.lognormal(0.0, 0.15, n)
        self.lf_ratio = 0.47 * rng.normal(1.0, 0.03, n)
        self.local_share = rng.uniform(0.6, 0.9, n)

    # -- population ----------------------------------------------------------------------------
    def population(self, years: Sequence[int]) -> np.ndarray:
        """Municipality × age (0..100) × year, 2025 division, integers."""
        ages = np.arange(101)
        base = np.exp(-np.clip(ages - 62, 0, None) ** 2 / (2 * 15.0**2))
        yrs = np.asarray(years, dtype=float)
        tilt = self.tilt[:, None, None] + 0.012 * (yrs[None, None, :] - 2024)
        shape = base[None, :, None] * np.exp(tilt * (ages[None, :, None] - 42) / 40.0)
        shape /= shape.sum(axis=1, keepdims=True)
        total = self.pop2024[:, None] * (1.0 + self.growth[:, None]) ** (yrs[None, :] - 2024)
        noise = self.rng.normal(1.0, 0.02, shape.shape)
        return np.rint(shape * noise * total[:, None, :])

    # -- jobs and employed ---------------------------------------------------------------------
    def jobs_total(self, years: Sequence[int]) -> np.ndarray:
        yrs = np.asarray(years, dtype=float)
        trend = np.where(self.region_of == "MK10", -0.003, 0.005)[:, None] * (yrs[None, :] - 2022)
        covid = np.where(yrs == 2020, 0.98, 1.0)[None, :]
        total = self.pop2024[:, None] * self.job_ratio[:, None] * (1.0 + trend) * covid
        # scale Etelä-Savo to ≈ 49,500 jobs at the end of 2022
        es = self.region_of == "MK10"
        level_2022 = (self.pop2024[es] * self.job_ratio[es]).sum()
        total[es] *= 49_500 / level_2022
        return total

    def by_division(self, total: np.ndarray, residence: bool) -> np.ndarray:
        """Municipality × division × year, integers."""
        sec_idx = np.array([self.sections.index(s) for s in self.div_section])
        share = self.muni_section[:, sec_idx] * self.div_weight[None, :]
        if residence:
            share = share * self.res_noise
            share /= share.sum(axis=1, keepdims=True)
        noise = self.rng.lognormal(0.0, 0.03, (share.shape[0], share.shape[1], total.shape[1]))
        return np.rint(share[:, :, None] * total[:, None, :] * noise)

    def employed_total(self, years: Sequence[int]) -> np.ndarray:
        return self.jobs_total(years) / self.self_suff[:, None]


def _section_of(division: str) -> str:
    number = int(division)
    for section, low, high in _SECTION_RANGES:
        if low <= number <= high:
            return section
    raise InputError(f"TOL 2008 division {division!r} in data/classifications/tol2008.csv has no section")


def _region_sum(world: _World, cube: np.ndarray, areas: Sequence[str]) -> np.ndarray:
    """Rows for the area codes (SSS, MKxx, KUxxx) from a municipality-first cube."""
    out = np.empty((len(areas),) + cube.shape[1:])
    for i, area in enumerate(areas):
        if area == "SSS":
            out[i] = cube.sum(axis=0)
        elif area.startswith("MK"):
            out[i] = cube[world.region_of == area].sum(axis=0)
        else:
            out[i] = cube[world.codes.index(area[2:])]
    return out


def _years(values: Sequence[str]) -> list[int]:
    return [int(v) for v in values]


def _age_values() -> tuple[list[str], list[str]]:
    codes = ["SSS"] + [f"{a:03d}" for a in range(100)] + ["100-"]
    texts = ["Yhteensä"] + [str(a) for a in range(100)] + ["100 -"]
    return codes, texts


def _by_sex(cube: np.ndarray, sexes: Sequence[str]) -> np.ndarray:
    """area × age × year counts split into the requested sexes (a sex axis before the years)."""
    factor = np.array([{"SSS": 1.0, "1": 0.495, "2": 0.505}[s] for s in (sexes or ["SSS"])])
    return np.rint(cube[:, :, None, :] * factor[None, None, :, None])


def _with_total_age(pop: np.ndarray, ages: Sequence[str]) -> np.ndarray:
    """Pick age codes (SSS = sum) along axis 1 of a muni × age(0..100) × year cube."""
    idx = []
    for code in ages:
        idx.append(-1 if code == "SSS" else (100 if code == "100-" else int(code)))
    total = pop.sum(axis=1, keepdims=True)
    full = np.concatenate([pop, total], axis=1)
    return full[:, idx, :]


def _area_var(code: str, munis: pd.DataFrame, regions: pd.DataFrame | None, map_name: str,
              extra: Sequence[tuple[str, str]] = (), text: str = "Alue") -> _Var:
    values = ["SSS"]
    texts = ["KOKO MAA"]
    if regions is not None:
        values += regions["region"].tolist()
        texts += regions["region_name_fi"].tolist()
    values += ["KU" + c for c in munis["code"]]
    texts += munis["name_fi"].tolist()
    for c, t in extra:
        values.append(c)
        texts.append(t)
    return _Var(code, text, values, texts, role="geo", elimination=True, map=map_name)


def _tables(world: _World) -> dict[str, _Table]:
    facts = world.facts
    munis, regions = facts.munis, facts.regions
    age_codes, age_texts = _age_values()

    # 11re -------------------------------------------------------------------------------------
    years_11re = [str(y) for y in range(1990, 2025)]

    def cube_11re(ch: dict[str, list[str]]) -> np.ndarray:
        areas, ages, years = ch["alue_23_20260101"], ch["ikaryhma_10_20180101"], ch["timeperiod_y"]
        pop = _with_total_age(world.population(_years(years)), ages)
        cube = _region_sum(world, pop, areas)  # area × age × year
        return _by_sex(cube, ch["sukupuoli_9_20180101"])[..., None].repeat(len(ch["contentscode"]), axis=-1)

    t11re = _Table(
        "vaerak/11re", "Väestö 31.12. muuttujina Alue, Ikä, Sukupuoli, Vuosi ja Tiedot",
        "Tilastokeskus, väestörakenne", "11re -- Väestö iän (1-v.) ja sukupuolen mukaan alueittain, 1990-2024",
        [
            _area_var("alue_23_20260101", munis, None, "Alue 2026"),
            _Var("ikaryhma_10_20180101", "Ikä", age_codes, age_texts, elimination=True),
            _Var("sukupuoli_9_20180101", "Sukupuoli", ["SSS", "1", "2"], ["Yhteensä", "Miehet", "Naiset"],
                 elimination=True),
            _Var("timeperiod_y", "Vuosi", years_11re, years_11re, role="time"),
            _Var("contentscode", "Tiedot", ["vaerak-vaesto"], ["Väestö 31.12."], role="metric"),
        ],
        cube_11re,
    )

    # 11ra (municipality totals; drawn without the generator so the other tables stay as they were)
    years_11ra = [str(y) for y in range(1990, 2025)]

    def cube_11ra(ch: dict[str, list[str]]) -> np.ndarray:
        yrs = np.asarray(_years(ch["timeperiod_y"]), dtype=float)
        totals = np.rint(world.pop2024[:, None] * (1.0 + world.growth[:, None]) ** (yrs[None, :] - 2024))
        cube = _region_sum(world, totals, ch["alue_23_20260101"])  # area × year
        return cube[..., None].repeat(len(ch["contentscode"]), axis=-1)

    t11ra = _Table(
        "vaerak/11ra", "Tunnuslukuja väestöstä muuttujina Alue, Vuosi ja Tiedot",
        "Tilastokeskus, väestörakenne", "11ra -- Tunnuslukuja väestöstä alueittain, 1990-2024",
        [
            _area_var("alue_23_20260101", munis, regions, "Alue 2026"),
            _Var("timeperiod_y", "Vuosi", years_11ra, years_11ra, role="time"),
            _Var("contentscode", "Tiedot", ["vaerak-vaesto"], ["Väestö 31.12."], role="metric"),
        ],
        cube_11ra,
    )

    # 14wx (2024 division: Pertunmaa separate) ------------------------------------------------
    munis_2024 = pd.concat(
        [munis, pd.DataFrame([{"code": "588", "name_fi": "Pertunmaa", "region": "MK10"}])], ignore_index=True
    ).sort_values("name_fi", kind="stable").reset_index(drop=True)
    years_14wx = [str(y) for y in range(2024, 2046)]  # the real 14wx runs 2024-2045

    def cube_14wx(ch: dict[str, list[str]]) -> np.ndarray:
        areas, ages, years = ch["alue_23_20240101"], ch["ikaryhma_10_20180101"], ch["timeperiod_y"]
        pop = _with_total_age(world.population(_years(years)), ages)
        rows = []
        mantyharju = pop[world.codes.index("507")]
        for area in areas:
            if area == "KU588":
                rows.append(np.rint(mantyharju * PERTUNMAA_SHARE))
            elif area == "KU507":
                rows.append(mantyharju - np.rint(mantyharju * PERTUNMAA_SHARE))
            else:
                rows.append(_region_sum(world, pop, [area])[0])
        cube = np.stack(rows)
        return _by_sex(cube, ch["sukupuoli_9_20180101"])[..., None].repeat(len(ch["contentscode"]), axis=-1)

    t14wx = _Table(
        "vaenn/14wx", "Väestöennuste 2024 muuttujina Alue, Ikä, Sukupuoli, Vuosi ja Tiedot",
        "Tilastokeskus, väestöennuste", "14wx -- Väestöennuste 2024: Väestö iän ja sukupuolen mukaan alueittain, 2024-2045",
        [
            _area_var("alue_23_20240101", munis_2024, None, "Alue 2024"),
            # the real 14wx cannot eliminate age (reference vaenn_14wx/population_raw.json)
            _Var("ikaryhma_10_20180101", "Ikä", age_codes, age_texts),
            _Var("sukupuoli_9_20180101", "Sukupuoli", ["SSS", "1", "2"], ["Yhteensä", "Miehet", "Naiset"],
                 elimination=True),
            _Var("timeperiod_y", "Vuosi", years_14wx, years_14wx, role="time"),
            # the content code has no table prefix in the real 14wx (DOMAIN.md, reference vaenn_14wx/)
            _Var("contentscode", "Tiedot", ["vaesto_e24"], ["Väestö 31.12. (ennuste 2024)"], role="metric"),
        ],
        cube_14wx,
    )

    # tyokay: industry tables ------------------------------------------------------------------
    tol = facts.tol
    ind_codes, ind_texts = ["SSS"], ["Kaikki toimialat"]
    for section in world.sections:
        ind_codes.append(section)
        ind_texts.append(tol.loc[tol["code"] == section, "name_fi"].iloc[0])
        for div in [d for d, s in zip(world.divisions, world.div_section, strict=True) if s == section]:
            ind_codes.append(div)
            ind_texts.append(f"{div} {tol.loc[tol['code'] == div, 'name_fi'].iloc[0]}")
    years_tyokay = [str(y) for y in range(2007, 2024)]

    def industry_cube(residence: bool) -> Callable[[dict[str, list[str]]], np.ndarray]:
        def cube(ch: dict[str, list[str]]) -> np.ndarray:
            areas = ch["alue_23_20250101"]
            inds = ch["toimiala_10_20080101"]
            years = _years(ch["timeperiod_y"])
            total = world.employed_total(years) if residence else world.jobs_total(years)
            div = world.by_division(total, residence)  # muni × division × year
            sec = np.stack([div[:, world.div_section == s, :].sum(axis=1) for s in world.sections], axis=1)
            full = {"SSS": div.sum(axis=1)}
            full.update({s: sec[:, i, :] for i, s in enumerate(world.sections)})
            full.update({d: div[:, i, :] for i, d in enumerate(world.divisions)})
            muni_cube = np.stack([full[c] for c in inds], axis=1)
            return _region_sum(world, muni_cube, areas)[..., None].repeat(len(ch["contentscode"]), axis=-1)

        return cube

    def industry_table(table: str, title: str, content: str, content_text: str, residence: bool) -> _Table:
        return _Table(
            table, title, "Tilastokeskus, työssäkäynti", f"{table.split('/')[1]} -- {title}, 2007-2023",
            [
                _area_var("alue_23_20250101", munis, regions, "Alue 2025"),
                _Var("toimiala_10_20080101", "Toimiala", ind_codes, ind_texts, elimination=True),
                _Var("timeperiod_y", "Vuosi", years_tyokay, years_tyokay, role="time"),
                _Var("contentscode", "Tiedot", [content], [content_text], role="metric"),
            ],
            industry_cube(residence),
        )

    t115h = industry_table("tyokay/115h", "Alueella työssäkäyvät (työpaikat) toimialan (TOL 2008) mukaan",
                           "tyokay-tyopaikat", "Alueella työssäkäyvät (työpaikat)", False)
    t115i = industry_table("tyokay/115i", "Alueella asuva työllinen työvoima toimialan (TOL 2008) mukaan",
                           "tyokay-tyolliset2", "Työlliset", True)

    # tyokay 125s: the published workplace self-sufficiency, a single content -----------------
    def cube_125s(ch: dict[str, list[str]]) -> np.ndarray:
        areas, years = ch["alue_23_20250101"], _years(ch["timeperiod_y"])
        jobs = _region_sum(world, np.rint(world.jobs_total(years)), areas)
        emp = _region_sum(world, np.rint(world.employed_total(years)), areas)
        return np.round(jobs / emp * 100, 1)[..., None]

    t125s = _Table(
        "tyokay/125s", "Työpaikkaomavaraisuus alueittain", "Tilastokeskus, työssäkäynti",
        "125s -- Työpaikkaomavaraisuus alueittain, 1987-2023",
        [
            _area_var("alue_23_20250101", munis, regions, "Alue 2025"),
            _Var("timeperiod_y", "Vuosi", years_tyokay, years_tyokay, role="time"),
            _Var("contentscode", "Tiedot", [SELF_SUFFICIENCY_CONTENT[0]], [SELF_SUFFICIENCY_CONTENT[1]],
                 role="metric", units={SELF_SUFFICIENCY_CONTENT[0]: {"base": "%", "decimals": 1}}),
        ],
        cube_125s,
        decimals=1,
    )

    # tyokay 115p: jobs by commuting (in the home municipality / commuting in), education, age ---
    def cube_115p(ch: dict[str, list[str]]) -> np.ndarray:
        areas, years = ch["Työpaikan alue"], _years(ch["Vuosi"])
        jobs = np.rint(world.jobs_total(years))
        emp = np.rint(world.employed_total(years))
        home = np.rint(np.minimum(jobs, emp) * world.local_share[:, None])
        by_kind = {"1": home, "2": jobs - home, "SSS": jobs}
        edu_share = np.array([0.42, 0.30, 0.16, 0.12])
        age_share = np.array([0.08, 0.22, 0.23, 0.23, 0.21, 0.03])
        cells = np.empty((len(areas), len(years), 1, len(ch["Pendelöinti"]), len(ch["Koulutusaste"]),
                          len(ch["Ikä"])))
        edu_codes = [c for c, _ in COMMUTING_EDUCATION]
        age_codes = [c for c, _ in COMMUTING_AGES]
        for k, kind in enumerate(ch["Pendelöinti"]):
            # municipality × education × age × year, then areas summed (regions, SSS)
            split = (by_kind[kind][:, None, None, :] * edu_share[None, :, None, None]
                     * age_share[None, None, :, None])
            split = np.rint(split * world.rng.lognormal(0.0, 0.05, split.shape))
            full = _region_sum(world, split, areas)  # area × education × age × year
            for e, edu in enumerate(ch["Koulutusaste"]):
                for a, age in enumerate(ch["Ikä"]):
                    block = (full[:, edu_codes.index(edu), :, :] if edu != "SSS" else full.sum(axis=1))
                    block = block[:, age_codes.index(age), :] if age != "SSS" else block.sum(axis=1)
                    cells[:, :, 0, k, e, a] = block
        return cells

    t115p = _Table(
        "tyokay/115p",
        "Alueella työssäkäyvät (työpaikat) muuttujina Työpaikan alue, Vuosi, Tiedot, Pendelöinti, Koulutusaste ja Ikä",
        "Tilastokeskus, työssäkäynti", "115p -- Alueella työssäkäyvät (työpaikat) pendelöinnin, koulutusasteen ja "
        "iän mukaan, 1987-2023",
        [
            _area_var("Työpaikan alue", munis, regions, "Alue 2025", text="Työpaikan alue"),
            _Var("Vuosi", "Vuosi", years_tyokay, years_tyokay, role="time"),
            _Var("Tiedot", "Tiedot", ["tyopaikat"], ["Alueella työssäkäyvät"], role="metric"),
            _Var("Pendelöinti", "Pendelöinti", ["SSS"] + [c for c, _ in COMMUTING_KINDS],
                 ["Yhteensä"] + [t for _, t in COMMUTING_KINDS], elimination=True),
            _Var("Koulutusaste", "Koulutusaste", ["SSS"] + [c for c, _ in COMMUTING_EDUCATION],
                 ["Yhteensä"] + [t for _, t in COMMUTING_EDUCATION], elimination=True),
            _Var("Ikä", "Ikä", ["SSS"] + [c for c, _ in COMMUTING_AGES],
                 ["Yhteensä"] + [t for _, t in COMMUTING_AGES], elimination=True),
        ],
        cube_115p,
    )

    # tyokay 115b: population by main type of activity and age ----------------------------------
    def cube_115b(ch: dict[str, list[str]]) -> np.ndarray:
        areas, years, ages = ch["Alue"], _years(ch["Vuosi"]), ch["Ikä"]
        pop = world.population(years)  # municipality × age 0..100 × year
        bands = {"0-17": pop[:, :18].sum(axis=1), "18-64": pop[:, 18:65].sum(axis=1),
                 "65-": pop[:, 65:].sum(axis=1)}
        emp = world.employed_total(years)
        emp_share = {"0-17": 0.01, "18-64": 0.96, "65-": 0.03}
        cells = np.empty((len(areas), len(years), len(ages), 1, len(ch["Pääasiallinen toiminta"])))
        for a, age in enumerate(ages):
            total = sum(bands.values()) if age == "SSS" else bands[age]
            employed = np.rint(emp if age == "SSS" else emp * emp_share[age])
            employed = np.minimum(employed, total)
            unemployed = np.rint(employed * world.unemp_rate[:, None] / (1 - world.unemp_rate[:, None]))
            if age == "0-17":
                unemployed = np.rint(unemployed * 0.2)
            outside = total - employed - unemployed
            young = pop[:, :15].sum(axis=1) if age in ("SSS", "0-17") else np.zeros_like(total)
            retired = (np.rint((outside - young) * (0.85 if age == "65-" else 0.35))
                       if age != "0-17" else np.zeros_like(total))
            students = np.rint((outside - young - retired) * 0.55)
            conscripts = np.rint((outside - young - retired) * 0.03)
            others = outside - young - retired - students - conscripts
            by_code = {"SSS": total, "1": employed + unemployed, "11": employed, "12": unemployed, "2": outside,
                       "21": young, "22": students, "25": conscripts, "24": retired, "99": others}
            for k, code in enumerate(ch["Pääasiallinen toiminta"]):
                cells[:, :, a, 0, k] = _region_sum(world, by_code[code], areas)
        return cells

    t115b = _Table(
        "tyokay/115b", "Väestö muuttujina Alue, Vuosi, Ikä, Tiedot ja Pääasiallinen toiminta",
        "Tilastokeskus, työssäkäynti", "115b -- Väestö pääasiallisen toiminnan, iän ja sukupuolen mukaan "
        "alueittain, 1987-2023",
        [
            _area_var("Alue", munis, regions, "Alue 2025"),
            _Var("Vuosi", "Vuosi", years_tyokay, years_tyokay, role="time"),
            _Var("Ikä", "Ikä", ["SSS"] + [c for c, _ in ACTIVITY_AGES], ["Yhteensä"] + [t for _, t in ACTIVITY_AGES],
                 elimination=True),
            _Var("Tiedot", "Tiedot", ["vaesto"], ["Väestö 31.12."], role="metric"),
            _Var("Pääasiallinen toiminta", "Pääasiallinen toiminta", [c for c, _ in MAIN_ACTIVITIES],
                 [t for _, t in MAIN_ACTIVITIES], elimination=True),
        ],
        cube_115b,
    )

    # tyokay: occupations ---------------------------------------------------------------------
    aml = facts.aml
    occ = aml[aml["level"].isin(["1", "2", "3"])]
    occ_codes = ["SSS"] + occ["code"].tolist()
    occ_texts = ["Yhteensä"] + [f"{c} {n}" for c, n in zip(occ["code"], occ["name_fi"], strict=True)]
    leaf3 = occ.loc[occ["level"] == "3", "code"].tolist()
    w3 = world.rng.gamma(1.5, 1.0, len(leaf3))
    care = np.array([c.startswith(("22", "32", "53")) for c in leaf3])
    farm = np.array([c.startswith("6") for c in leaf3])

    def occupation_shares(region: str) -> np.ndarray:
        w = w3 * np.where(care & (region == "MK10"), 1.4, 1.0) * np.where(farm & (region == "MK10"), 2.0, 1.0)
        return w / w.sum()

    def aggregate_occ(leaf: np.ndarray, codes: Sequence[str]) -> np.ndarray:
        """Rows for occupation codes from a leaf(level 3) × ... array, by code prefix."""
        out = []
        for code in codes:
            if code == "SSS":
                out.append(leaf.sum(axis=0))
            else:
                mask = np.array([c.startswith(code) for c in leaf3])
                out.append(leaf[mask].sum(axis=0))
        return np.stack(out)

    years_occ = [str(y) for y in range(2010, 2024)]

    def cube_115s(ch: dict[str, list[str]]) -> np.ndarray:
        areas, occs, years = ch["alue_28_20250101"], ch["ammatti_104_20161021"], _years(ch["timeperiod_y"])
        emp = world.employed_total(years)
        rows = []
        for area in areas:
            mask = np.ones(len(world.codes), bool) if area == "SSS" else world.region_of == area
            if area == "SSS":
                leaf = sum(
                    np.rint(occupation_shares(r)[:, None] * emp[world.region_of == r].sum(axis=0)[None, :])
                    for r in world.regions
                )
            else:
                leaf = np.rint(occupation_shares(area)[:, None] * emp[mask].sum(axis=0)[None, :])
            rows.append(aggregate_occ(leaf, occs))
        return np.stack(rows)[..., None].repeat(len(ch["contentscode"]), axis=-1)

    t115s = _Table(
        "tyokay/115s", "Työlliset ammattiryhmän (Ammattiluokitus 2010) mukaan maakunnittain",
        "Tilastokeskus, työssäkäynti", "115s -- Työlliset ammattiryhmän mukaan maakunnittain, 2010-2023",
        [
            _Var("alue_28_20250101", "Alue", ["SSS"] + regions["region"].tolist(),
                 ["KOKO MAA"] + regions["region_name_fi"].tolist(), role="geo", elimination=True,
                 map="Maakunta 2025"),
            _Var("ammatti_104_20161021", "Ammattiryhmä", occ_codes, occ_texts, elimination=True),
            _Var("timeperiod_y", "Vuosi", years_occ, years_occ, role="time"),
            _Var("contentscode", "Tiedot", ["tyokay-tyolliset2"], ["Työlliset"], role="metric"),
        ],
        cube_115s,
    )

    # 115r: the whole country by occupation (levels 1-4 plus dotted level-5 copies) and ten-year
    # age group, with the real table's codes: total SSSSS, labels ending "(Taso N)", X = unknown.
    age_share = world.rng.dirichlet(_OCCUPATION_AGE_SHARE * 20, len(leaf3))  # occupation × age group
    occ4_115r = aml[aml["level"] == "4"]
    codes_115r, texts_115r = ["SSSSS"], ["SSSSS Yhteensä"]
    for row in aml[aml["level"].isin(["1", "2", "3", "4"])].itertuples(index=False):
        codes_115r.append(row.code)
        texts_115r.append(f"{row.code} {row.name_fi} (Taso {row.level})")
        if row.level == "4" and not row.code.startswith("X"):
            # a 4-digit group without a finer split repeats at level 5 as "2512."
            codes_115r.append(f"{row.code}.")
            texts_115r.append(f"{row.code}. {row.name_fi} (Taso 5)")
    parent3 = {c: c[:3] for c in occ4_115r["code"]}

    def cube_115r(ch: dict[str, list[str]]) -> np.ndarray:
        occs, groups, years = ch["ammatti_104_20161021"], ch["ikaryhma_10_20180101"], _years(ch["timeperiod_y"])
        emp = world.employed_total(years).sum(axis=0)  # year
        leaf = sum(occupation_shares(r) * world.employed_total(years)[world.region_of == r].sum() / len(years)
                   for r in world.regions)  # level-3 occupations, average level
        per_age = np.rint(leaf[:, None, None] * age_share[:, :, None] * (emp / emp.mean())[None, None, :])
        full = np.concatenate([per_age.sum(axis=1, keepdims=True), per_age], axis=1)
        order = ["SSS", *OCCUPATION_AGES]
        full = full[:, [order.index(g) for g in groups], :]
        rows = []
        for code in occs:
            bare = code.rstrip(".")
            if code == "SSSSS":
                rows.append(full.sum(axis=0))
            elif len(bare) == 4:
                # a level-3 group's people split evenly over its 4-digit groups
                siblings = [c for c, p in parent3.items() if p == bare[:3]]
                mask = np.array([c == bare[:3] for c in leaf3])
                rows.append(np.rint(full[mask].sum(axis=0) / max(len(siblings), 1)))
            else:
                mask = np.array([c.startswith(bare) for c in leaf3])
                rows.append(full[mask].sum(axis=0))
        return np.stack(rows)[..., None].repeat(len(ch["contentscode"]), axis=-1)

    t115r = _Table(
        "tyokay/115r", "Työlliset ammattiryhmän (Ammattiluokitus 2010) ja iän mukaan",
        "Tilastokeskus, työssäkäynti", "115r -- Työlliset ammattiryhmän ja iän mukaan, 2010-2023",
        [
            _Var("ammatti_104_20161021", "Ammattiryhmä", codes_115r, texts_115r, elimination=True),
            _Var("ikaryhma_10_20180101", "Ikä", ["SSS", *OCCUPATION_AGES],
                 ["Yhteensä"] + [g.replace("-", " - ") for g in OCCUPATION_AGES], elimination=True),
            _Var("timeperiod_y", "Vuosi", years_occ, years_occ, role="time"),
            _Var("contentscode", "Tiedot", ["tyokay-tyolliset2"], ["Työlliset"], role="metric"),
        ],
        cube_115r,
    )

    # tyonv: monthly jobseekers ---------------------------------------------------------------
    months = [f"{y}M{m:02d}" for y in range(2006, 2026) for m in range(1, 13)][:-1]  # to 2025M11
    seasonal = np.array([1.12, 1.10, 1.05, 0.98, 0.95, 1.02, 1.10, 0.97, 0.93, 0.92, 0.95, 1.05])
    v_seasonal = np.array([0.9, 1.0, 1.15, 1.25, 1.2, 1.0, 0.8, 0.95, 1.05, 1.0, 0.9, 0.8])

    def monthly(ms: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m_idx = np.array([int(m[5:]) - 1 for m in ms])
        t = np.array([int(m[:4]) + (int(m[5:]) - 1) / 12 for m in ms])
        lf = np.rint(world.pop2024[:, None] * world.lf_ratio[:, None] * (1 + 0.0 * t[None, :]))
        cycle = 1.0 + 0.12 * np.sin((t - 2020.0) / 2.0)
        rate = world.unemp_rate[:, None] * seasonal[m_idx][None, :] * cycle[None, :]
        noise = world.rng.lognormal(0.0, 0.02, rate.shape)
        unemp = np.rint(lf * rate * noise)
        vac = np.rint(unemp * 0.12 * v_seasonal[m_idx][None, :] * world.rng.lognormal(0.0, 0.1, rate.shape))
        return unemp, lf, vac

    tyonv_contents = [c for c, _ in TYONV_12R5_CONTENTS]
    tyonv_texts = [t for _, t in TYONV_12R5_CONTENTS]
    # rough sizes of the other contents relative to the unemployed (only the declared three are used)
    other_share = {"HAKIJALOPUSSA": 1.9, "TYOTTOMATMIEHET": 0.56, "TYOTTOMATNAISET": 0.44, "TYOTTOMAT20": 0.04,
                   "TYOTTOMAT25": 0.12, "TYOTTOMAT50": 0.35, "TYOTTOMATSAIR": 0.05, "TYOTTOMATULK": 0.12,
                   "PITKAAIKAISTYOTTOMAT": 0.3, "KASSASSA": 0.7, "LOMAUTETTU": 0.08, "LYHTYOVKO": 0.01,
                   "TYOLLISTETTYLOP": 0.1, "TYOHARJOITTELULOP": 0.03, "KOKEILULOP": 0.02, "TVKOULUTUSLOP": 0.08,
                   "VALMENNUSLOP": 0.02, "MTPPALVELUTLOP": 0.1, "UUDETAVP": 1.0}
    subregions = munis[["subregion", "subregion_name_fi"]].drop_duplicates().sort_values("subregion")
    non_areas = sorted(TYONV_NON_AREAS)

    def tyonv_areas(cube: np.ndarray, areas: Sequence[str]) -> np.ndarray:
        """Rows for 12r5/12ti area codes; an unknown area or abroad holds a small share of the country."""
        out = np.empty((len(areas),) + cube.shape[1:])
        for i, area in enumerate(areas):
            if area in TYONV_NON_AREAS:
                out[i] = np.rint(cube.sum(axis=0) * 0.001)
            elif area.startswith("SK"):
                out[i] = cube[world.subregion_of == area].sum(axis=0)
            else:
                out[i] = _region_sum(world, cube, [area])[0]
        return out

    def cube_12r5(ch: dict[str, list[str]]) -> np.ndarray:
        areas, ms = ch["Alue"], ch["timeperiod_m"]
        unemp, lf, vac = monthly(ms)
        by = {"TYOTTOMATLOPUSSA": unemp, "TYOVOIMATK": lf, "AVPAIKATLOPUSSA": vac}
        parts = []
        for c in ch["contentscode"]:
            if c == "TYOTOSUUS":
                u, f = tyonv_areas(unemp, areas), tyonv_areas(lf, areas)
                parts.append(np.round(u / np.where(f > 0, f, np.nan) * 100, 1))
            elif c in by:
                parts.append(tyonv_areas(by[c], areas))
            else:
                base = vac if c == "UUDETAVP" else unemp
                parts.append(tyonv_areas(np.rint(base * other_share[c]), areas))
        return np.stack(parts, axis=-1)

    t12r5 = _Table(
        "tyonv/12r5", "Työnhakijat ja avoimet työpaikat kuukauden lopussa muuttujina Alue, Kuukausi ja Tiedot",
        "KEHA-keskus, työnvälitystilasto", "12r5 -- Työnhakijat ja avoimet työpaikat kuukauden lopussa alueittain, 2006M01-2025M11",
        [
            # country, regions, sub-regions, municipalities and the codes for an unknown area (12r5
            # also lists ELY centres, which the demo leaves out: the study uses none)
            _area_var("Alue", munis, regions, "Alue 2025",
                      extra=[*zip(subregions["subregion"], subregions["subregion_name_fi"], strict=True),
                             *((c, NON_AREA_TEXT) for c in non_areas)]),
            _Var("timeperiod_m", "Kuukausi", months, months, role="time"),
            _Var("contentscode", "Tiedot", tyonv_contents, tyonv_texts, role="metric",
                 units={"TYOTOSUUS": {"base": "%", "decimals": 1}}),
        ],
        cube_12r5,
        decimals=0,
    )

    # 12ti: the 4-digit AML 2010 groups and tyonv's own X classes (no AML "XXXX")
    occ4 = pd.concat([aml[(aml["level"] == "4") & ~aml["code"].str.startswith("X")],
                      pd.DataFrame({"code": TYONV_X_OCCUPATIONS, "level": "4",
                                    "name_fi": "Ammattiryhmä tuntematon"})], ignore_index=True)
    occ4_codes = ["SSS"] + occ4["code"].tolist()
    occ4_texts = ["Yhteensä"] + [f"{c} {n}" for c, n in zip(occ4["code"], occ4["name_fi"], strict=True)]
    w4 = world.rng.gamma(0.6, 1.0, len(occ4))
    # The sectors' key occupations (data/sectors.yaml) are among the larger groups in reality
    # (nurses, practical nurses, machine operators, cooks...); weighting them up keeps their regional
    # cells above the suppression limit, so the sector and forum chapters have demo values to show.
    key_occupations = {code for sector in load_sectors(data_dir() / "sectors.yaml").values() for code in sector.aml}
    w4 = w4 + np.where(occ4["code"].isin(key_occupations).to_numpy(), 4.0 * w4.mean(), 0.0)
    wv4 = w4 * world.rng.lognormal(0.0, 0.8, len(occ4))

    def cube_12ti(ch: dict[str, list[str]]) -> np.ndarray:
        areas, occs, ms = ch["Alue"], ch["Ammattiryhmä"], ch["timeperiod_m"]
        unemp, _, vac = monthly(ms)
        col = [occ4_codes.index(o) - 1 if o != "SSS" else -1 for o in occs]
        parts = []
        for c in ch["contentscode"]:
            total = _region_sum(world, unemp if c == "TYOTTOMATLOPUSSA" else vac, areas)  # area × month
            weights = (w4 if c == "TYOTTOMATLOPUSSA" else wv4)
            shares = weights / weights.sum()
            noise = world.rng.lognormal(0.0, 0.15, (len(areas), len(shares), len(ms)))
            leaf = np.rint(total[:, None, :] * shares[None, :, None] * noise)
            full = np.concatenate([leaf, leaf.sum(axis=1, keepdims=True)], axis=1)[:, col, :]
            # small cells are suppressed for confidentiality (status "..." in the real table)
            full[(full > 0) & (full < 5)] = np.nan
            parts.append(full)
        return np.stack(parts, axis=-1)

    t12ti = _Table(
        "tyonv/12ti", "Työttömät työnhakijat ja avoimet työpaikat kuukauden lopussa muuttujina Alue, Ammattiryhmä, Kuukausi ja Tiedot",
        "KEHA-keskus, työnvälitystilasto", "12ti -- Työttömät työnhakijat ja avoimet työpaikat ammattiryhmän mukaan, 2006M01-2025M11",
        [
            _Var("Alue", "Alue", ["SSS"] + regions["region"].tolist(), ["KOKO MAA"] + regions["region_name_fi"].tolist(),
                 role="geo", elimination=True, map="Alue 2026"),
            _Var("Ammattiryhmä", "Ammattiryhmä", occ4_codes, occ4_texts, elimination=True),
            _Var("timeperiod_m", "Kuukausi", months, months, role="time"),
            _Var("contentscode", "Tiedot", ["TYOTTOMATLOPUSSA", "AVPAIKATLOPUSSA"],
                 [tyonv_texts[1], tyonv_texts[21]], role="metric"),
        ],
        cube_12ti,
        suppressed_status="...",
    )
    return {t.table: t for t in (t11re, t11ra, t14wx, t115h, t115i, t125s, t115p, t115b, t115s, t115r, t12r5,
                                 t12ti)}


# ------------------------------------------------------------------------------------------------
# imports, classifications, key


def _csv_bytes(columns: Sequence[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


_LEVEL_ENTRANTS = {"ammatillinen": 100_000, "amk": 40_000, "yliopisto": 30_000}
_HIGHER_SECTORS = {"amk": ("Ammattikorkeakoulukoulutus", "2", "Demo-ammattikorkeakoulu"),
                   "yliopisto": ("Yliopistokoulutus", "3", "Demoyliopisto")}
_HIGHER_YEARS = range(2019, 2025)


def _region_shares(world: _World) -> np.ndarray:
    pop = np.array([world.pop2024[world.region_of == r].sum() for r in world.regions])
    return pop / pop.sum()


def _education_rows(world: _World, columns: Sequence[str]) -> list[list[Any]]:
    """Vocational education (the hand import) by region and broad field."""
    edu = world.facts.edu
    fields = edu.loc[edu["level"] == "1", "code"].tolist()
    share = _region_shares(world)
    rows = []
    level, national = "ammatillinen", _LEVEL_ENTRANTS["ammatillinen"]
    field_w = world.rng.dirichlet(np.full(len(fields), 3.0))
    for year in range(2019, 2025):
        for i, region in enumerate(world.regions):
            for j, fcode in enumerate(fields):
                entrants = round(national * share[i] * field_w[j] * world.rng.lognormal(0, 0.1))
                degrees = round(entrants * 0.7 * world.rng.lognormal(0, 0.05))
                for measure, value in (("uudet_opiskelijat", entrants), ("tutkinnot", degrees)):
                    record = {"region": region, "year": year, "level": level, "field": fcode,
                              "measure": measure, "value": value}
                    rows.append([record[c] for c in columns])
    return rows


def _higher_education_rows(world: _World) -> list[dict[str, Any]]:
    """Rows of Vipunen's ``opiskelijat_ja_tutkinnot`` (every field of the real rows), synthetic."""
    edu = world.facts.edu.set_index("code")["name_fi"]
    detailed = [c for c in edu.index if len(c) == 4 and not c.startswith(("00", "99"))]
    share = _region_shares(world)
    names = dict(zip(world.facts.regions["region"], world.facts.regions["region_name_fi"]))
    rows: list[dict[str, Any]] = []
    for level, (sector, sector_code, school) in _HIGHER_SECTORS.items():
        national = _LEVEL_ENTRANTS[level]
        field_w = world.rng.dirichlet(np.full(len(detailed), 1.5))
        for i, region in enumerate(world.regions):
            tilt = 0.3 if (level == "yliopisto" and region == "MK10") else 1.0
            taught = world.rng.random(len(detailed)) < (0.5 if region == "MK01" else 0.2)
            for j in np.flatnonzero(taught):
                code = detailed[j]
                scale = national * share[i] * tilt * field_w[j] / max(float(field_w[taught].sum()), 1e-9)
                for year in _HIGHER_YEARS:
                    for sex in ("Mies", "Nainen"):
                        entrants = int(round(scale * 0.5 * world.rng.lognormal(0, 0.15)))
                        degrees = int(round(entrants * 0.7 * world.rng.lognormal(0, 0.1)))
                        row = {name: None for name, _ in vipunen.HIGHER_EDUCATION_FIELDS}
                        row.update({
                            "defaultorder": len(rows) + 1, "Tilastovuosi": str(year),
                            "Aineistotyyppi": "Esimerkkiaineisto", "Sektori": sector,
                            "Korkeakoulu": f"{school} ({names[region]})", "Koulutus": edu[code],
                            "Sukupuoli": sex, "Tutkinnot": degrees, "Opiskelijat": entrants * 3,
                            "opiskelijatFte": entrants * 3, "Uudet opiskelijat": entrants,
                            "Koulutusaste taso 1": "Korkea-aste", "Koulutusala taso 1": edu[code[:2]],
                            "Koulutusala taso 2": edu[code[:3]], "Koulutusala taso 3": edu[code],
                            "koulutuksen_maakunta": names[region], "Koodi Sektori": sector_code,
                            "Koodi Korkeakoulu": f"D{sector_code}{region[2:]}", "Koodi Koulutus": f"9{code}0",
                            "tietojoukko_paivitetty_pvm": FIXED_TIME[:10],
                        })
                        rows.append(row)
    return rows


def _write_higher_education(snap: Snapshot, decl: Declaration, world: _World, common: Mapping[str, Any]) -> None:
    rows = _higher_education_rows(world)
    resource = decl.resource or vipunen.HIGHER_EDUCATION
    base = vipunen.DEFAULT_BASE_URL
    size = vipunen.DEFAULT_PAGE_SIZE
    pages = [rows[i:i + size] for i in range(0, len(rows), size)]
    for number, page in enumerate(pages, start=1):
        offset = (number - 1) * size
        snap.write(f"{decl.id}/resource-{number}", _dumps(page), dataset=decl.id, kind="resource",
                   media_type="application/json",
                   url=f"{base}/resources/{resource}/data?limit={len(page)}&offset={offset}",
                   query={"resource": resource, "filter": decl.filter, "offset": offset, "limit": len(page)},
                   part=number, parts=len(pages), **common)
    fields = [{"name": name, "type": kind} for name, kind in vipunen.HIGHER_EDUCATION_FIELDS]
    snap.write(f"{decl.id}/metadata", _dumps(fields), dataset=decl.id, kind="metadata",
               media_type="application/json", url=f"{base}/resources/{resource}",
               query={"resource": resource, "filter": decl.filter}, **common)


def _workforce_rows(world: _World, columns: Sequence[str]) -> list[list[Any]]:
    aml = world.facts.aml
    occs = aml.loc[aml["level"] == "2", "code"].tolist()
    occ_w = world.rng.gamma(1.5, 1.0, len(occs))
    rows = []
    for year in (2021, 2022, 2023):
        emp = world.employed_total([year])[:, 0]
        for region in world.regions:
            total = emp[world.region_of == region].sum()
            older = 1.15 if region == "MK10" else 1.0
            age_w = _EMPLOYED_AGE_SHARE * np.where(np.arange(len(_EMPLOYED_AGE_SHARE)) >= 8, older, 1.0)
            for k, occ in enumerate(occs):
                shares = world.rng.dirichlet(age_w * 20)
                n_occ = total * occ_w[k] / occ_w.sum()
                for g, group in enumerate(_EMPLOYED_AGE_GROUPS):
                    record = {"region": region, "year": year, "occupation": occ, "age_group": group,
                              "value": int(round(n_occ * shares[g]))}
                    rows.append([record[c] for c in columns])
    return rows


_CLASSIFICATION_FILES = {
    "toimiala_1_20080101": ("tol2008.csv", "Toimialaluokitus TOL 2008"),
    "ammatti_1_20100101": ("aml2010.csv", "Ammattiluokitus 2010"),
    "koulutusala_1_20160101": ("koulutusala2016.csv", "Koulutusalaluokitus 2016"),
}


def _classification_items(classification: str) -> list[dict[str, Any]]:
    if classification not in _CLASSIFICATION_FILES:
        raise InputError(
            f"the demo has no curated names for classification {classification!r}; known: "
            f"{', '.join(_CLASSIFICATION_FILES)}"
        )
    name, title = _CLASSIFICATION_FILES[classification]
    table = _read_csv(name)
    codes = table["code"].tolist()
    items = []
    for order, row in enumerate(table.itertuples(index=False), start=1):
        code = row.code
        if row.level in ("section", "division"):
            level = 1 if row.level == "section" else 2
            parent = _section_of(code) if level == 2 else None
        else:
            level = int(row.level)
            # the hierarchy follows code prefixes (Koulutusala 2016, AML 2010)
            parent = next((code[:k] for k in range(len(code) - 1, 0, -1) if code[:k] in codes), None)
        items.append({
            "classification": {"localId": classification, "classificationName": [
                {"langName": "suomi", "lang": "fi", "name": title}]},
            "localId": f"{classification}/{code}",
            "level": float(level),
            "code": code,
            "order": order * 10,
            "parentItemLocalId": f"{classification}/{parent}" if parent else None,
            "parentCode": parent,
            "classificationItemNames": [{"langName": "suomi", "lang": "fi", "name": row.name_fi}],
        })
    return items


def _item(classification: str, code: str, names: Mapping[str, str], order: int) -> dict[str, Any]:
    lang_names = {"fi": "suomi", "sv": "ruotsi", "en": "englanti"}
    return {
        "classification": {"localId": classification},
        "localId": f"{classification}/{code}",
        "level": 1.0,
        "code": code,
        "order": order * 10,
        "parentItemLocalId": None,
        "parentCode": None,
        "classificationItemNames": [{"langName": lang_names[lang], "lang": lang, "name": name}
                                    for lang, name in names.items()],
    }


def _bare(code: str) -> str:
    # The API uses bare codes (10, 101); the curated table has MK10 / SK101
    return code[2:] if code[:2] in ("MK", "SK", "KU") else code


def key_payloads(facts: _Facts, year: int) -> dict[str, Any]:
    """Classification-API payloads of the municipality key, named as geo.municipality_key_requests."""
    munis = facts.munis
    stamp = f"1_{year}0101"
    out: dict[str, Any] = {}
    for lang in ("fi", "sv", "en"):
        out[f"kunta:{lang}"] = [_item(f"kunta_{stamp}", r["code"], {lang: r[f"name_{lang}"]}, i)
                                for i, r in enumerate(munis.to_dict("records"), start=1)]
        regions = munis.drop_duplicates("region").sort_values("region")
        out[f"maakunta:{lang}"] = [
            _item(f"maakunta_{stamp}", _bare(r["region"]), {lang: r[f"region_name_{lang}"]}, i)
            for i, r in enumerate(regions.to_dict("records"), start=1)]
    for target, code_col, name_col in (("seutukunta", "subregion", "subregion_name_fi"),
                                       ("tyollisyysalue", "employment_area", "employment_area_name_fi")):
        uniq = munis.drop_duplicates(code_col).sort_values(code_col)
        out[f"{target}:fi"] = [_item(f"{target}_{stamp}", _bare(r[code_col]), {"fi": r[name_col]}, i)
                               for i, r in enumerate(uniq.to_dict("records"), start=1)]
    for target, code_col, name_col in (("maakunta", "region", "region_name_fi"),
                                       ("seutukunta", "subregion", "subregion_name_fi"),
                                       ("tyollisyysalue", "employment_area", "employment_area_name_fi")):
        source_id, target_id = f"kunta_{stamp}", f"{target}_{stamp}"
        out[f"kunta#{target}"] = [
            {
                "correspondenceTable": {"localId": f"{source_id}#{target_id}"},
                "sourceItem": {"localId": f"{source_id}/{r['code']}", "code": r["code"],
                               "classificationItemNames": [{"lang": "fi", "name": r["name_fi"]}]},
                "targetItem": {"localId": f"{target_id}/{_bare(r[code_col])}", "code": _bare(r[code_col]),
                               "classificationItemNames": [{"lang": "fi", "name": r[name_col]}]},
            }
            for r in munis.to_dict("records")
        ]
    return out


# ------------------------------------------------------------------------------------------------


def build_demo(
    snapshot_dir: str | os.PathLike[str] | None = None,
    *,
    seed: int = DEMO_SEED,
    progress: bool = True,
    declaration_path: str | os.PathLike[str] | None = None,
) -> Snapshot:
    """Write a deterministic synthetic snapshot for every declared dataset.

    Parameters
    ----------
    snapshot_dir : path, optional
        Target folder; default :func:`punos_lib.paths.snapshot_dir`. Synthetic entries of the
        declared datasets are replaced; a dataset that has real (fetched or imported) entries is
        left as it is.
    seed : int
        Seed of the PCG64 generator; the same seed gives byte-identical payloads and manifest.
    progress : bool
        Show a progress bar on stderr.
    declaration_path : path, optional
        The declaration (default ``data/datasets.yaml``).

    Returns
    -------
    Snapshot
        The written snapshot; every entry has ``synthetic: true``.

    Raises
    ------
    InputError
        The declaration names a StatFin table or classification the demo cannot synthesise.
    """
    decls = _declarations.load(declaration_path)
    snap = Snapshot(snapshot_dir)
    rng = np.random.Generator(np.random.PCG64(seed))
    facts = _facts()
    world = _World(facts, rng)
    tables = _tables(world)
    note = NOTE.format(seed=seed)
    common = dict(source=SOURCE, licence=LICENCE, attribution=ATTRIBUTION, synthetic=True,
                  note=note, fetched_at=FIXED_TIME)
    iterator: Any = decls
    if progress:
        from tqdm import tqdm

        iterator = tqdm(decls, desc="punos demo", unit="dataset", file=None)
    # Marks the snapshot half-written until the last dataset is in (a killed demo fails verify).
    snap.begin_write("punos demo", repairs=True)
    for decl in iterator:
        existing = snap.entries(dataset=decl.id) if snap.exists else []
        if any(not e.synthetic for e in existing):
            continue  # real (fetched or imported) data is never overwritten by synthetic data
        if decl.source == "statfin":
            table = tables.get(decl.table or "")
            if table is None:
                raise InputError(
                    f"dataset {decl.id!r}: the demo cannot synthesise StatFin table {decl.table!r} "
                    f"(known: {', '.join(sorted(tables))}); add a generator to punos_lib/demo.py"
                )
            _write_statfin(snap, decl, table, seed)
        elif decl.source == "vipunen":
            if (decl.resource or "") != vipunen.HIGHER_EDUCATION:
                raise InputError(f"dataset {decl.id!r}: the demo cannot synthesise Vipunen resource "
                                 f"{decl.resource!r} (known: {vipunen.HIGHER_EDUCATION})")
            _write_higher_education(snap, decl, world, {**common, "updated": FIXED_TIME})
        elif decl.source == "import":
            if decl.id == "education_supply":
                rows = _education_rows(world, decl.columns)
            elif decl.id == "workforce_by_occupation_age":
                rows = _workforce_rows(world, decl.columns)
            else:
                raise InputError(f"dataset {decl.id!r}: the demo has no generator for this import")
            snap.write(f"{decl.id}/import", _csv_bytes(decl.columns, rows), dataset=decl.id, kind="import",
                       media_type="text/csv", updated=FIXED_TIME, **common)
        elif decl.source == "classifications" and decl.kind == "classification":
            items = _classification_items(decl.classification or "")
            snap.write(f"{decl.id}/classification", _dumps(items), dataset=decl.id, kind="classification",
                       media_type="application/json", updated=FIXED_TIME, **common)
        elif decl.source == "classifications" and decl.kind == "key":
            year = decl.year or 2025
            payloads = key_payloads(facts, year)
            names = sorted(payloads)
            for number, name in enumerate(names, start=1):
                snap.write(f"{decl.id}/key-{number}", _dumps(payloads[name]), dataset=decl.id, kind="key",
                           media_type="application/json", updated=FIXED_TIME, part=number,
                           parts=len(names), query={"name": name, "year": year}, **common)
        # geo: no boundaries in the demo, on purpose (maps use the tile grid)
    snap.end_write()
    return snap
