"""Fill the snapshot with every declared dataset from the public APIs (``punos fetch``).

The only step of the study that touches the network. Per declared dataset:

- ``statfin``: :meth:`punos_lib.sources.statfin.PxWebClient.fetch_raw` — the table metadata and each data
  part stored exactly as received, with the URL, the query as sent, ``fetched_at`` and the
  table's upstream ``updated`` stamp (from the json-stat2);
- ``geo``: :func:`punos_lib.sources.geo.fetch_boundaries` (GeoJSON as received);
- ``classifications``: the classification API (items of one classification; or every payload of
  the municipality key, named as in :func:`punos_lib.sources.geo.municipality_key_requests`);
- ``vipunen``: :meth:`punos_lib.sources.vipunen.VipunenClient.fetch_raw_pages` — the resource's
  field list (``metadata``) and its rows page by page (``resource-1..n``), as received;
- ``import``: nothing to download; reported as *manual* with the declaration's instructions.

Resumable: a dataset whose real (not synthetic) entries are all present and match their
checksums is skipped, so an interrupted run continues where it stopped. A failure in one dataset
is reported and the others continue. When the network is off (``PUNOS_OFFLINE=1``) or
unreachable, the run stops at once with one :class:`~punos_lib.errors.OfflineError` naming every
dataset that could not be fetched.

Examples
--------
>>> from punos_lib import fetch
>>> report = fetch.fetch_all(datasets=["population"])    # doctest: +SKIP
>>> print(report.summary())                              # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from punos_lib.reference import declarations
from punos_lib.sources import geo
from punos_lib.sources._http import offline
from punos_lib.reference.declarations import Declaration
from punos_lib.errors import InputError, OfflineError, PunosError
from punos_lib.snapshot.bundled import SOURCE as BUNDLED
from punos_lib.snapshot.store import Snapshot
from punos_lib.sources.statfin import ATTRIBUTION, LICENCE

__all__ = ["FetchReport", "fetch_all"]


ClientFactories = Mapping[str, Callable[[], Any]]


@dataclass
class FetchReport:
    """What :func:`fetch_all` did.

    Attributes
    ----------
    done : list of str
        Datasets fetched and stored in this run.
    skipped : list of str
        Datasets already complete in the snapshot (nothing sent).
    failed : dict
        Dataset id → the error message.
    manual : dict
        Dataset id → what the user has to do by hand (imports).
    """

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    manual: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no dataset failed (manual imports are not failures)."""
        return not self.failed

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"fetched {len(self.done)}, already up to date {len(self.skipped)}, "
            f"failed {len(self.failed)}, to import by hand {len(self.manual)}"
        ]
        lines += [f"  failed {d}: {msg}" for d, msg in self.failed.items()]
        lines += [f"  {d}: {msg}" for d, msg in self.manual.items()]
        if self.failed:
            lines.append("  run `punos fetch` again to retry the failed datasets (complete ones are skipped)")
        return "\n".join(lines)


def _default_factories() -> dict[str, Callable[[], Any]]:
    def statfin_client() -> Any:
        from punos_lib.sources.statfin import PxWebClient

        return PxWebClient()

    def classification_client() -> Any:
        from punos_lib.sources.classifications import ClassificationClient

        return ClassificationClient()

    def vipunen_client() -> Any:
        from punos_lib.sources.vipunen import VipunenClient

        return VipunenClient()

    # geo has no client class: the module's fetch_boundaries(layer, year, scale) is the interface
    return {"statfin": statfin_client, "classifications": classification_client, "geo": lambda: geo,
            "vipunen": vipunen_client}


def _expected_key_names(decl: Declaration) -> list[str]:
    return sorted(geo.municipality_key_requests(int(decl.year or 2025)))


def _complete(snap: Snapshot, decl: Declaration) -> bool:
    """All real entries of the dataset present and matching their checksums."""
    entries = snap.entries(dataset=decl.id) if snap.exists else []
    if not entries or any(e.synthetic or e.source == BUNDLED for e in entries):
        return False  # demo data and the bundled real data are replaced by fresh API data
    if not all(snap.is_valid(e.id) for e in entries):
        return False
    kinds = [e.kind for e in entries]
    if decl.source == "statfin":
        data = [e for e in entries if e.kind == "data"]
        if "metadata" not in kinds or not data:
            return False
        metadata = next(e for e in entries if e.kind == "metadata")
        wanted = {"table": decl.table or "", "declared_selection": dict(decl.selection or {})}
        if metadata.query != wanted:
            return False  # the declaration asks for another table or selection than the stored one
        parts = data[0].parts or 1
        return sorted(e.part or 1 for e in data) == list(range(1, parts + 1))
    if decl.source == "geo":
        wanted = {"layer": decl.layer, "year": int(decl.year or 0), "scale": decl.scale or "1000k"}
        return any(e.kind == "boundaries" and e.query == wanted for e in entries)
    if decl.source == "classifications" and decl.kind == "key":
        queries = [e.query for e in entries if isinstance(e.query, dict)]
        year = int(decl.year or 2025)
        return (sorted(q.get("name") for q in queries) == _expected_key_names(decl)
                and all(q.get("year") == year for q in queries))
    if decl.source == "vipunen":
        pages = [e for e in entries if e.kind == "resource"]
        metadata = [e for e in entries if e.kind == "metadata"]
        if not metadata or metadata[0].query != _vipunen_query(decl):
            return False  # another resource or filter than the stored one
        parts = pages[0].parts if pages else 0
        return sorted(e.part or 1 for e in pages) == list(range(1, (parts or 0) + 1))
    if decl.source == "classifications":
        return any(e.kind == "classification" and isinstance(e.query, dict)
                   and e.query.get("classification") == decl.classification for e in entries)
    return "import" in kinds


def _updated_of(body: bytes) -> str | None:
    try:
        stamp = json.loads(body).get("updated")
    except (ValueError, AttributeError):
        return None
    return None if stamp is None else str(stamp)


def _replace(snap: Snapshot, decl: Declaration, written: set[str]) -> None:
    """Drop entries of the dataset that this fetch did not write (stale parts, demo entries)."""
    stale = [e.id for e in snap.entries(dataset=decl.id) if e.id not in written]
    if stale:
        snap.remove(stale)


def _fetch_statfin(snap: Snapshot, decl: Declaration, client: Any) -> None:
    table = decl.table or ""
    selection = dict(decl.selection or {})
    raw = client.fetch_raw(table, selection)
    common = dict(dataset=decl.id, source="statfin", licence=LICENCE, attribution=ATTRIBUTION,
                  synthetic=False, fetched_at=raw.fetched_at)
    written = set()
    n = len(raw.parts)
    for number, part in enumerate(raw.parts, start=1):
        entry = snap.write(f"{decl.id}/data-{number}", part.body, kind="data",
                           media_type="application/json-stat2", url=part.url, query=part.query,
                           updated=_updated_of(part.body) or raw.updated, part=number, parts=n, **common)
        written.add(entry.id)
    # The declared selection is kept with the metadata so that editing data/datasets.yaml makes
    # the dataset incomplete and the next fetch downloads it again.
    entry = snap.write(f"{decl.id}/metadata", raw.metadata_bytes, kind="metadata", media_type="application/json",
                       url=raw.metadata_url, query={"table": table, "declared_selection": selection},
                       updated=raw.updated,
                       **common)
    written.add(entry.id)
    _replace(snap, decl, written)


def _fetch_geo(snap: Snapshot, decl: Declaration, client: Any) -> None:
    layer, scale, year = decl.layer or "", decl.scale or "1000k", int(decl.year or 0)
    body = client.fetch_boundaries(layer, year, scale)
    entry = snap.write(f"{decl.id}/boundaries", body, dataset=decl.id, kind="boundaries", source="geo",
                       media_type="application/geo+json", url=geo.wfs_url(layer, year, scale),  # type: ignore[arg-type]
                       query={"layer": layer, "year": year, "scale": scale}, licence=LICENCE,
                       attribution=ATTRIBUTION, synthetic=False)
    _replace(snap, decl, {entry.id})


def _fetch_classification(snap: Snapshot, decl: Declaration, client: Any) -> None:
    common = dict(dataset=decl.id, source="classifications", licence=LICENCE, attribution=ATTRIBUTION,
                  synthetic=False, media_type="application/json")
    written = set()
    if decl.kind == "key":
        year = int(decl.year or 2025)
        stamp = f"1_{year}0101"
        requests = geo.municipality_key_requests(year)
        names = sorted(requests)
        for number, name in enumerate(names, start=1):
            if "#" in name:
                source, target = name.split("#")
                body = client.fetch_correspondence(f"{source}_{stamp}", f"{target}_{stamp}")
            else:
                classification, lang = name.split(":")
                body = client.fetch_items(f"{classification}_{stamp}", lang)
            entry = snap.write(f"{decl.id}/key-{number}", body, kind="key", url=requests[name],
                               query={"name": name, "year": year}, part=number, parts=len(names), **common)
            written.add(entry.id)
    else:
        classification = decl.classification or ""
        body = client.fetch_items(classification, "fi")
        entry = snap.write(f"{decl.id}/classification", body, kind="classification",
                           url=client.items_url(classification, "fi"),
                           query={"classification": classification, "lang": "fi"}, **common)
        written.add(entry.id)
    _replace(snap, decl, written)


VIPUNEN_LICENCE = "CC BY 4.0"
VIPUNEN_ATTRIBUTION = "Lähde: Vipunen – opetushallinnon tilastopalvelu (Opetushallitus, opetus- ja kulttuuriministeriö)"


def _vipunen_query(decl: Declaration) -> dict[str, Any]:
    return {"resource": decl.resource or "", "filter": decl.filter}


def _fetch_vipunen(snap: Snapshot, decl: Declaration, client: Any) -> None:
    resource = decl.resource or ""
    fields = client.fields_raw(resource)
    pages = client.fetch_raw_pages(resource, filter=decl.filter)
    common = dict(dataset=decl.id, source="vipunen", licence=VIPUNEN_LICENCE, attribution=VIPUNEN_ATTRIBUTION,
                  synthetic=False, media_type="application/json")
    written = set()
    offset = 0
    for number, body in enumerate(pages, start=1):
        rows = len(_json_list(body))
        entry = snap.write(f"{decl.id}/resource-{number}", body, kind="resource",
                           url=client.data_url(resource, limit=rows, offset=offset, filter=decl.filter),
                           query={**_vipunen_query(decl), "offset": offset, "limit": rows},
                           part=number, parts=len(pages), **common)
        offset += rows
        written.add(entry.id)
    entry = snap.write(f"{decl.id}/metadata", fields, kind="metadata", url=client.fields_url(resource),
                       query=_vipunen_query(decl), **common)
    written.add(entry.id)
    _replace(snap, decl, written)


def _json_list(body: bytes) -> list[Any]:
    rows = json.loads(body)
    return rows if isinstance(rows, list) else []


_FETCHERS: dict[str, Callable[[Snapshot, Declaration, Any], None]] = {
    "statfin": _fetch_statfin,
    "geo": _fetch_geo,
    "classifications": _fetch_classification,
    "vipunen": _fetch_vipunen,
}


def _select(decls: list[Declaration], wanted: Sequence[str] | None) -> list[Declaration]:
    if not wanted:
        return decls
    known = {d.id: d for d in decls}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise InputError(
            f"unknown dataset(s) {', '.join(unknown)}; declared datasets are: {', '.join(known)} "
            "(see data/datasets.yaml)"
        )
    return [known[w] for w in dict.fromkeys(wanted)]


def _offline_error(ids: Sequence[str], cause: str) -> OfflineError:
    return OfflineError(
        f"{cause}; these datasets could not be fetched: {', '.join(ids)}. Connect to the network "
        "(and unset PUNOS_OFFLINE) and run `punos fetch` again — complete datasets are kept — "
        "or use `punos demo` for synthetic example data"
    )


def fetch_all(
    snapshot_dir: str | os.PathLike[str] | None = None,
    *,
    datasets: Sequence[str] | None = None,
    progress: bool = True,
    client_factories: ClientFactories | None = None,
    declaration_path: str | os.PathLike[str] | None = None,
) -> FetchReport:
    """Fetch every declared dataset (or the ids given) into the snapshot.

    Parameters
    ----------
    snapshot_dir : path, optional
        Default :func:`punos_lib.paths.snapshot_dir`.
    datasets : list of str, optional
        Dataset ids to fetch; default all declared.
    progress : bool
        Show a progress bar on stderr.
    client_factories : mapping, optional
        ``{"statfin": () -> PxWebClient, "classifications": () -> ClassificationClient,
        "vipunen": () -> VipunenClient, "geo": () -> object with fetch_boundaries(layer, year, scale)}``; tests point them at
        local servers. Missing keys use the defaults. A client is made once per run.
    declaration_path : path, optional
        The declaration (default ``data/datasets.yaml``).

    Returns
    -------
    FetchReport
        done / skipped / failed (with the error) / manual.

    Raises
    ------
    InputError
        An unknown dataset id.
    OfflineError
        Network use is off or impossible; names every dataset that could not be fetched.
    """
    decls = _select(declarations.load(declaration_path), datasets)
    snap = Snapshot(snapshot_dir)
    factories = {**_default_factories(), **dict(client_factories or {})}
    clients: dict[str, Any] = {}
    report = FetchReport()

    todo = []
    for decl in decls:
        if decl.source == "import":
            if _complete(snap, decl):
                report.skipped.append(decl.id)
            else:
                report.manual[decl.id] = f"import by hand: {decl.instructions_en or 'see data/datasets.yaml'}"
        elif _complete(snap, decl):
            report.skipped.append(decl.id)
        else:
            todo.append(decl)
    if todo and offline():
        raise _offline_error([d.id for d in todo], "network use is disabled (PUNOS_OFFLINE is set)")

    from tqdm import tqdm

    bar = tqdm(todo, desc="punos fetch", unit="dataset", file=sys.stderr, disable=not progress)
    # A fetch killed half-way leaves the in-progress marker, so verify reports the snapshot as
    # interrupted until a fetch finishes; a complete fetch of every dataset repairs any earlier one.
    if todo:
        snap.begin_write("punos fetch", repairs=not datasets)
    try:
        for position, decl in enumerate(bar):
            bar.set_postfix_str(decl.id)
            try:
                if decl.source not in clients:
                    clients[decl.source] = factories[decl.source]()
                _FETCHERS[decl.source](snap, decl, clients[decl.source])
            except OfflineError as exc:
                remaining = [d.id for d in todo[position:]]
                raise _offline_error(remaining, f"the network is not reachable ({exc})") from exc
            except PunosError as exc:
                report.failed[decl.id] = str(exc)
            except OSError as exc:
                # e.g. disk full or no permission in the snapshot folder: reported, others continue
                report.failed[decl.id] = f"cannot write to the snapshot at {snap.root}: {exc}"
            else:
                report.done.append(decl.id)
        if todo:
            # failed datasets may still hold what an earlier, interrupted write left
            snap.end_write(repaired=not report.failed)
    finally:
        bar.close()
        for client in clients.values():
            close = getattr(client, "close", None)
            if callable(close) and client is not geo:
                close()
    return report
