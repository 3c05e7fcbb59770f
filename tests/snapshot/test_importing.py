"""`punos snapshot import`: files are checked against the declaration before anything is written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from punos_lib import datasets
from punos_lib.errors import ValidationError
from punos_lib.snapshot.importing import import_file
from punos_lib.snapshot.store import Snapshot

PROV = dict(source="Tilastokeskus", licence="CC BY 4.0", attribution="Lähde: Tilastokeskus")
EDU = "region,year,level,field,measure,value\n"


def _csv(tmp_path, rows):
    path = tmp_path / "edu.csv"
    path.write_text(EDU + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("row, column, value", [
    ("MK10,2024,amk,0913,tutkinnot,abc", "value", "abc"),
    ("MK10,20x3,amk,0913,tutkinnot,5", "year", "20x3"),
    ("MK99,2024,amk,0913,tutkinnot,5", "region", "MK99"),
    ("KU999,2024,amk,0913,tutkinnot,5", "region", "KU999"),
])
def test_csv_values_are_checked_with_row_column_and_value(tmp_path, row, column, value):
    path = _csv(tmp_path, ["MK10,2024,amk,0913,tutkinnot,5", "SSS,2024,amk,0913,tutkinnot,", row])
    with pytest.raises(ValidationError) as info:
        import_file(Snapshot(tmp_path / "snap"), path, dataset="education_supply", **PROV)
    text = str(info.value)
    assert str(path) in text and f"row 4, column {column!r}, value {value!r}" in text
    assert not (tmp_path / "snap").exists()  # nothing written


def test_a_good_csv_with_blank_suppressed_values_and_known_codes_is_imported(tmp_path):
    path = _csv(tmp_path, ["MK10,2024,amk,0913,tutkinnot,5", "SSS,2023,amk,0913,tutkinnot,",
                           "KU491,2024,amk,0913,tutkinnot,1.5", "KU588,2024,amk,0913,tutkinnot,2"])  # 588 merged in 2026
    entry = import_file(Snapshot(tmp_path / "snap"), path, dataset="education_supply", **PROV)
    assert entry.id == "education_supply/import" and entry.media_type == "text/csv"
    assert Snapshot(tmp_path / "snap").verify().problems == []


def _px(table: str, variables: dict[str, list[str]], values: list[float]) -> str:
    lines = ['CHARSET="ANSI";', 'AXIS-VERSION="2013";', 'LANGUAGE="fi";', f'TABLEID="{table}";',
             'TITLE="Väestö";', 'CONTENTS="Väestö";', 'UNITS="henkilöä";', 'DECIMALS=0;',
             'STUB=' + ",".join(f'"{v}"' for v in list(variables)[:-1]) + ";",
             f'HEADING="{list(variables)[-1]}";']
    for name, codes in variables.items():
        lines.append(f'VALUES("{name}")=' + ",".join(f'"{c}"' for c in codes) + ";")
    lines.append('TIMEVAL("Vuosi")=TLIST(A1),' + ",".join(f'"{c}"' for c in variables["Vuosi"]) + ";")
    lines.append("DATA=\n" + " ".join(str(v) for v in values) + ";")
    return "\n".join(lines) + "\n"


def test_a_px_of_another_table_is_refused_with_what_was_expected(tmp_path):
    path = tmp_path / "11rc.px"
    path.write_text(_px("statfin_vaerak_pxt_11rc", {"Sukupuoli": ["Yhteensä"], "Ikä": ["0 - 4", "5 - 9"],
                                                     "Vuosi": ["2022", "2023"]}, [1, 2, 3, 4]), encoding="latin-1")
    with pytest.raises(ValidationError, match=r"holds table 'statfin_vaerak_pxt_11rc', but dataset 'population' is "
                                              r"StatFin table vaerak/11re"):
        import_file(Snapshot(tmp_path / "snap"), path, dataset="population", **PROV)
    assert not (tmp_path / "snap").exists()


def test_a_px_of_the_declared_table_is_imported_and_read(tmp_path):
    path = tmp_path / "11re.px"
    path.write_text(_px("statfin_vaerak_pxt_11re", {"Alue": ["KU491", "KU740"], "Ikä": ["0", "1"],
                                                     "Vuosi": ["2024"]}, [500, 510, 300, 290]), encoding="latin-1")
    snap = Snapshot(tmp_path / "snap")
    import_file(snap, path, dataset="population", **PROV)
    pop = datasets.population(snap)
    mikkeli = pop[(pop["area"] == "KU491")]
    assert mikkeli["population"].tolist() == [500.0, 510.0]


def _jsonstat(dims, values):
    return {"version": "2.0", "class": "dataset", "id": [d[0] for d in dims], "size": [len(d[1]) for d in dims],
            "role": {"geo": ["alue"], "time": ["vuosi"]},
            "dimension": {code: {"label": code, "category": {"index": list(cats)}} for code, cats in dims},
            "value": values}


def test_json_stat_with_an_undeclared_variable_or_missing_contents_is_refused(tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(_jsonstat([("alue", ["KU491"]), ("koulutus", ["1", "2"]), ("vuosi", ["2024"])],
                                          [1, 2])), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"variable 'koulutus' \(koulutus\) with 2 values is not in the declaration"):
        import_file(Snapshot(tmp_path / "snap"), extra, dataset="self_sufficiency", **PROV)
    contents = tmp_path / "12r5.json"
    contents.write_text(json.dumps(_jsonstat([("alue", ["MK10"]), ("vuosi", ["2023M10"]),
                                              ("contentscode", ["TYOTTOMATLOPUSSA"])], [5621])), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"'@contents'.*no value 'TYOVOIMATK', 'AVPAIKATLOPUSSA'"):
        import_file(Snapshot(tmp_path / "snap"), contents, dataset="jobseekers_by_area", **PROV)
    no_area = tmp_path / "no_area.json"
    no_area.write_text(json.dumps({**_jsonstat([("vuosi", ["2024"])], [1]), "role": {"time": ["vuosi"]}}),
                       encoding="utf-8")
    with pytest.raises(ValidationError, match=r"no area variable"):
        import_file(Snapshot(tmp_path / "snap"), no_area, dataset="self_sufficiency", **PROV)
    assert not (tmp_path / "snap").exists()


def test_px_json_is_imported_and_read_like_the_api_data(tmp_path):
    response = {
        "columns": [{"code": "Alue", "text": "Alue", "type": "d"}, {"code": "Ikä", "text": "Ikä", "type": "d"},
                    {"code": "Vuosi", "text": "Vuosi", "type": "t"},
                    {"code": "vaesto", "text": "Väestö 31.12.", "type": "c"}],
        "comments": [],
        "data": [{"key": ["KU491", "0", "2024"], "values": ["400"]}, {"key": ["KU491", "1", "2024"], "values": ["410"]}],
    }
    path = tmp_path / "11re.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    snap = Snapshot(tmp_path / "snap")
    entry = import_file(snap, path, dataset="population", **PROV)
    assert entry.media_type == "application/x-pxweb-json"
    pop = datasets.population(snap)
    assert pop[pop["area"] == "KU491"]["population"].tolist() == [400.0, 410.0]


def test_pxweb_excel_of_the_declared_table_is_imported_and_another_refused(reference, tmp_path):
    commuting = reference / "commuting"
    snap = Snapshot(tmp_path / "snap")
    entry = import_file(snap, commuting / "Alueelle_pendeloivat.xlsx", dataset="commuting", **PROV)
    assert entry.path.endswith(".xlsx") and Snapshot(tmp_path / "snap").verify().problems == []
    with pytest.raises(ValidationError, match=r"holds table '001_115b_2021'.*tyokay/115p"):
        import_file(snap, commuting / "vaestorakenne.xlsx", dataset="commuting", **PROV)


def test_cli_import_of_a_bad_csv_names_row_column_and_value(tmp_path):
    path = _csv(tmp_path, ["MK10,20x3,amk,0913,tutkinnot,5"])
    result = subprocess.run([sys.executable, "-m", "punos_lib", "snapshot", "import", str(path), "--dataset",
                             "education_supply", "--source", "Vipunen", "--snapshot", str(tmp_path / "snap")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "row 2, column 'year', value '20x3'" in result.stderr
    assert not (tmp_path / "snap").exists()
