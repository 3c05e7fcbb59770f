"""A hand-made source catalogue frame shared by the registry and present tests."""

from __future__ import annotations

import pandas as pd


def catalogue_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["a", "b", "c"],
        "name_fi": ["Lähde A", "Lähde B", "Lähde C"],
        "producer": ["Tilastokeskus", "KEHA-keskus", "OPH"],
        "kind": ["statistics", "survey", "forecast"],
        "topics": [("demand",), ("demand", "matching"), ("education", "foresight")],
        "granularity": [("region", "municipality"), ("ely_area",), ("country",)],
        "frequency": ["annual", "biannual", "irregular"],
        "access": ["api", "web_only", "api"],
        "licence": ["CC BY 4.0", "ei avointa lisenssiä", "CC BY 4.0"],
        "url": ["https://a.fi", "https://b.fi", "https://c.fi"],
        "gaps": ["viive kaksi vuotta", None, "  "],
    })
