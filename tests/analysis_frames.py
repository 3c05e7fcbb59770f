"""Small frames and sectors shared by the analysis tests (one copy of each)."""

from __future__ import annotations

import pandas as pd

from punos_lib.reference.sectors import Sector

PROV_A = {"datasets": ["population"], "entries": ["population/data"], "synthetic": True,
          "attribution": ["Lähde: Tilastokeskus"], "updated": {"population": "2025-04-01"}}
PROV_B = {"datasets": ["occupations_by_age"], "entries": ["occupations_by_age/data"],
          "synthetic": False, "attribution": ["Lähde: Tilastokeskus"], "updated": {}}
PROV = {"datasets": ["x"], "entries": ["x/data-1"], "synthetic": True,
        "attribution": ["Esimerkki"], "updated": {"x": "2025-01-01"}}


def with_provenance(frame: pd.DataFrame, prov: dict = PROV) -> pd.DataFrame:
    """``frame`` with ``attrs["provenance"]`` = a copy of ``prov``, as the loaders give it."""
    frame.attrs["provenance"] = dict(prov)
    return frame


def forest_sector(**kw) -> Sector:
    """The forest sector of the analysis tests; keywords override its fields."""
    base = dict(id="metsa", name_fi="Metsäala", name_en="Forest", tol=("02", "16", "17"),
                aml=("6210", "8172"), koulutusala=("0821",), description_fi="Metsä.")
    base.update(kw)
    return Sector(**base)


def sector(sid: str, aml: tuple[str, ...], fields: tuple[str, ...] = ("0715",)) -> Sector:
    """A sector with the given occupations and education fields (TOL 16)."""
    return Sector(sid, f"Ala {sid}", sid, ("16",), aml, fields, "kuvaus")
