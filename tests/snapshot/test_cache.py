"""The shared parsed-frame cache: keyed by payload checksums, exact round trip, atomic, shared."""

from __future__ import annotations

import json
import multiprocessing
import time

import numpy as np
import pandas as pd
import pytest

from punos_lib.errors import SnapshotError
from punos_lib.snapshot import cache
from punos_lib.snapshot.store import Snapshot

COMMON = dict(source="demo", licence="CC BY 4.0", attribution="Lähde: testi", synthetic=True)


def _snap(tmp_path, payload=b'{"x": 1}'):
    snap = Snapshot(tmp_path)
    snap.write("t/data", payload, dataset="t", kind="data", media_type="application/json", **COMMON)
    return snap


def _frame():
    codes = pd.Categorical.from_codes(np.array([0, 1, 1, 0], dtype=np.int8), categories=pd.Index(["KU491", "SSS"]))
    frame = pd.DataFrame({
        "alue": codes,
        "alue_label": pd.Categorical.from_codes(np.array([0, 1, 1, 0], dtype=np.int8),
                                                categories=pd.Index(["Mikkeli", "Koko maa"])),
        "year": np.array([2023, 2023, 2024, 2024], dtype="int64"),
        "value": np.array([1.5, np.nan, 3.0, 4.0]),
        "status": pd.Series([None, ".", None, "p"], dtype=object),
        "note": pd.Series(["a", np.nan, "c", "d"], dtype=object),
        "text": pd.Series(["x", "y", "z", "w"], dtype="str"),
    })
    frame.attrs = {"format": "json-stat2", "table": "11re", "notes": ["ä"],
                   "dimensions": [{"code": "alue", "label": "Alue", "role": "geo", "categories": ["KU491", "SSS"],
                                   "labels": ["Mikkeli", "Koko maa"]}],
                   "units": {"vaesto": {"base": "henkilöä", "decimals": 0}}, "updated": None}
    return frame


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True, check_categorical=True)
    assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str))
    assert a.attrs == b.attrs
    assert [v is None for v in a["status"]] == [v is None for v in b["status"]]
    assert [v is None for v in a["note"]] == [v is None for v in b["note"]]


def test_frame_is_parsed_once_and_comes_back_identical(tmp_path):
    snap = _snap(tmp_path)
    built = []

    def build():
        built.append(1)
        return _frame()

    first = cache.frame(snap, snap.entries(), build, recipe="load:t")
    second = cache.frame(Snapshot(tmp_path), Snapshot(tmp_path).entries(), build, recipe="load:t")
    assert len(built) == 1
    _same(_frame(), first)
    _same(_frame(), second)
    assert second["alue"].cat.categories.tolist() == ["KU491", "SSS"]
    assert second["alue"].array.codes.dtype == np.int8
    files = list((tmp_path / ".cache" / "frames").iterdir())
    assert len(files) == 1 and files[0].suffix == ".arrow"
    assert files[0].read_bytes()[:6] == b"ARROW1"  # Arrow IPC, not a pickle
    assert Snapshot(tmp_path).verify().untracked == []  # the cache is not snapshot content
    assert Snapshot(tmp_path).verify().problems == []


def test_another_checksum_is_another_key(tmp_path):
    snap = _snap(tmp_path)
    built = []
    cache.frame(snap, snap.entries(), lambda: built.append(1) or _frame(), recipe="load:t")
    snap.write("t/data", b'{"x": 2}', dataset="t", kind="data", media_type="application/json", **COMMON)
    changed = _frame().assign(year=lambda f: f["year"] + 1)
    out = cache.frame(snap, snap.entries(), lambda: built.append(2) or changed, recipe="load:t")
    assert built == [1, 2]
    assert out["year"].tolist() == [2024, 2024, 2025, 2025]
    assert len(list((tmp_path / ".cache" / "frames").iterdir())) == 2


def test_a_corrupted_payload_is_refused_even_with_a_cached_frame(tmp_path):
    snap = _snap(tmp_path)
    cache.frame(snap, snap.entries(), _frame, recipe="load:t")
    (tmp_path / "demo" / "t" / "data.json").write_bytes(b'{"x": 9}')
    with pytest.raises(SnapshotError, match="checksum"):
        cache.frame(Snapshot(tmp_path), Snapshot(tmp_path).entries(), _frame, recipe="load:t")


def test_frames_that_would_not_round_trip_are_not_stored(tmp_path):
    snap = _snap(tmp_path)
    mixed = pd.DataFrame({"a": pd.Series([None, np.nan, "x"], dtype=object)})
    tuples = pd.DataFrame({"a": [1.0]})
    tuples.attrs = {"pair": (1, 2)}
    numbers_as_objects = pd.DataFrame({"a": pd.Series([1, "x"], dtype=object)})
    for n, frame in enumerate([mixed, tuples, numbers_as_objects]):
        out = cache.frame(snap, snap.entries(), lambda f=frame: f, recipe=f"odd:{n}")
        assert out is frame
    assert not (tmp_path / ".cache" / "frames").exists() or not list((tmp_path / ".cache" / "frames").iterdir())


def test_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("PUNOS_CACHE", "0")
    snap = _snap(tmp_path)
    built = []
    for _ in range(2):
        cache.frame(snap, snap.entries(), lambda: built.append(1) or _frame(), recipe="load:t")
    assert built == [1, 1]
    assert not (tmp_path / ".cache").exists()


def test_a_damaged_cache_file_is_rebuilt(tmp_path):
    snap = _snap(tmp_path)
    cache.frame(snap, snap.entries(), _frame, recipe="load:t")
    (file,) = (tmp_path / ".cache" / "frames").iterdir()
    file.write_bytes(file.read_bytes()[:100])
    built = []
    out = cache.frame(snap, snap.entries(), lambda: built.append(1) or _frame(), recipe="load:t")
    assert built == [1]
    _same(_frame(), out)
    _same(_frame(), cache._read(file))


def _build_in_worker(root: str, start: float, queue) -> None:
    snap = Snapshot(root)

    def slow():
        time.sleep(0.5)  # both workers miss the cache and build at the same time
        return _frame()

    while time.time() < start:
        time.sleep(0.005)
    out = cache.frame(snap, snap.entries(), slow, recipe="load:t")
    queue.put(json.dumps({"status": [v for v in out["status"]], "value": out["value"].fillna(-1).tolist()}))


def test_two_processes_building_the_same_frame_at_once_are_safe(tmp_path):
    _snap(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    start = time.time() + 3.0
    workers = [ctx.Process(target=_build_in_worker, args=(str(tmp_path), start, queue)) for _ in range(2)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert results[0] == results[1]
    assert json.loads(results[0])["status"] == [None, ".", None, "p"]
    files = list((tmp_path / ".cache" / "frames").iterdir())
    assert len(files) == 1 and not files[0].name.endswith(".tmp")  # one file, no leftovers
    _same(_frame(), cache._read(files[0]))


def test_datasets_read_the_cached_frame_instead_of_parsing(tmp_path, monkeypatch):
    from punos_lib import datasets
    from punos_lib.snapshot import demo
    from punos_lib.sources import statfin

    snap = demo.build_demo(tmp_path, progress=False)
    datasets.clear_cache()
    monkeypatch.setenv("PUNOS_CACHE", "0")
    plain = datasets.load("jobseekers_by_area", snap)
    monkeypatch.setenv("PUNOS_CACHE", "1")
    datasets.clear_cache()
    datasets.load("jobseekers_by_area", snap)  # builds the cache
    datasets.clear_cache()

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again although the frame is cached")

    monkeypatch.setattr(statfin, "assemble", no_parsing)
    warm = datasets.load("jobseekers_by_area", Snapshot(tmp_path))
    pd.testing.assert_frame_equal(plain, warm, check_exact=True)
    assert plain.attrs == warm.attrs
    datasets.clear_cache()


def test_analysis_frames_are_shared_and_identical_to_uncached(tmp_path, monkeypatch):
    from punos_lib import datasets
    from punos_lib.snapshot import demo

    snap = demo.build_demo(tmp_path, progress=False)
    monkeypatch.setenv("PUNOS_CACHE", "0")
    datasets.clear_cache()
    plain = datasets.population(snap)
    monkeypatch.setenv("PUNOS_CACHE", "1")
    datasets.clear_cache()
    datasets.population(snap)  # one notebook builds it ...
    datasets.clear_cache()  # ... another process starts with nothing in memory

    def no_loading(*args, **kwargs):
        raise AssertionError("rebuilt although the analysis frame is cached")

    monkeypatch.setattr(datasets, "load", no_loading)
    warm = datasets.population(Snapshot(tmp_path))
    pd.testing.assert_frame_equal(plain, warm, check_exact=True)
    assert list(plain.dtypes.astype(str)) == list(warm.dtypes.astype(str))
    assert plain.attrs == warm.attrs and warm.attrs["provenance"]["synthetic"] is True
    datasets.clear_cache()
