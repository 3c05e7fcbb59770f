"""Code → name lookups from the curated classification tables (punos_lib.reference.labels)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from punos_lib.errors import InputError
from punos_lib.reference.labels import labels


def _jhs(reference: Path, file: str) -> pd.DataFrame:
    # The koodistot.suomi.fi import (2018) is an independent copy of the same classifications.
    return pd.read_csv(reference / "classifications" / file, dtype=str, keep_default_na=False).set_index(
        "CODEVALUE"
    )


def test_labels_from_curated_tables(reference: Path) -> None:
    tol = labels("tol2008")
    jhs = _jhs(reference, "jhs_toimiala_1_20080101.csv")
    assert tol["16"] == jhs.loc["16", "PREFLABEL_FI"]
    assert labels("tol2008", "en")["02"] == "Forestry and logging"
    aml = labels("aml2010")
    assert aml["3221"] == "Sairaanhoitajat ym."  # registered nurses (see PROVENANCE.md)
    assert aml["5321"] == "Lähihoitajat"
    assert labels("koulutusala2016", "sv")["01"] == "De pedagogiska områdena"
    with pytest.raises(InputError, match="unknown classification"):
        labels("isco")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown language"):
        labels("tol2008", "de")  # type: ignore[arg-type]


def test_reading_labels_imports_no_http_client() -> None:
    # Curated labels are reference data: reading them must not pull in the network layer.
    import subprocess

    code = ("import sys; from punos_lib.reference.labels import labels; labels('tol2008'); "
            "print(sorted(m for m in sys.modules if m == 'httpx' or m.startswith('punos_lib.sources')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
