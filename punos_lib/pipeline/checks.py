"""Checks made before anything executes: arguments, curated inputs and the snapshot.

``punos run`` (and :func:`punos_lib.pipeline.run`) refuses a bad region, year or sector, a curated
input that breaks its schema, and a snapshot whose payloads do not match their manifest, before a
single notebook starts, so that nothing is executed or overwritten. ``punos check`` runs the same
checks of the curated inputs and the snapshot and says what it checked.

Years: a reference year must lie in :data:`YEAR_RANGE` — from 1990 (the first year of the regional
StatFin series the study reads) to the current calendar year; which of those years a table holds
is each notebook's concern.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from punos_lib.errors import InputError, PunosError, SnapshotError, ValidationError
from punos_lib.reference.regions import REGIONS

__all__ = ["YEAR_RANGE", "parse_regions", "check_region", "check_year", "check_curated", "check_snapshot",
           "CheckReport", "check_project", "refuse"]

#: The reference years a run accepts (inclusive).
YEAR_RANGE: tuple[int, int] = (1990, dt.date.today().year)

_CHUNK = 1 << 20


def _valid_regions() -> str:
    return ", ".join(REGIONS)


def check_region(region: object) -> str:
    """Return ``region`` when it is one of the 19 region codes exactly (``MK10``), else raise.

    Raises
    ------
    InputError
        One line naming the bad value and the valid codes.
    """
    if not isinstance(region, str) or region not in REGIONS:
        hint = f" (codes are upper case: {region.upper()!r})" if isinstance(region, str) and \
            region.upper() in REGIONS else ""
        raise InputError(f"unknown region {region!r}{hint}; valid region codes are {_valid_regions()} "
                         "(or 'all')")
    return region


def parse_regions(value: str | Sequence[str]) -> list[str]:
    """The regions of ``--region``: ``all``, one code, or a comma-separated list of codes.

    Returns
    -------
    list of str
        Codes in the order given (``all``: the order of :data:`punos_lib.reference.regions.REGIONS`),
        without repeats.

    Raises
    ------
    InputError
        An unknown code (one line naming it and the valid codes) or an empty list.
    """
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else [str(v) for v in value]
    items = [v for v in items if v]
    if items == ["all"]:
        return list(REGIONS)
    if not items:
        raise InputError(f"no region given; valid region codes are {_valid_regions()} (or 'all')")
    return list(dict.fromkeys(check_region(v) for v in items))


def check_year(year: object) -> int | None:
    """Return ``year`` when it is None (latest) or a whole year in :data:`YEAR_RANGE`, else raise."""
    if year is None:
        return None
    low, high = YEAR_RANGE
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError(f"year must be a whole year such as {high - 1} or None (latest), got {year!r}")
    if not low <= year <= high:
        raise InputError(f"year {year} is outside the years the study's statistics cover ({low}–{high}); "
                         "give a year in that range or leave it out for the latest")
    return year


# --------------------------------------------------------------------------- curated inputs


def _curated_checks(project: Path) -> list[tuple[str, Callable[[], Any]]]:
    """(what, check) for every curated input of the project; each check raises on a problem."""
    from punos_lib.reference import declarations
    from punos_lib.reference.sectors import load_sectors
    from punos_lib.registry.actors import load_registry
    from punos_lib.registry.catalogue import load_catalogue
    from punos_lib.registry.forums import load_assessments, load_pilots

    data = project / "data"
    sectors = data / "sectors.yaml"

    def assessments() -> Any:
        folder = data / "forums" / "assessments"
        # No stored assessment yet is a normal state, not a problem.
        return load_assessments(folder, sectors=sectors) if any(folder.glob("*.csv")) else None

    return [
        ("data/datasets.yaml (dataset declaration)", lambda: declarations.load(data / "datasets.yaml")),
        ("data/sectors.yaml (sectors)", lambda: load_sectors(sectors)),
        ("data/actors/ (actor registry)", lambda: load_registry(data / "actors", sectors=sectors)),
        ("data/catalogue.yaml (source catalogue)", lambda: load_catalogue(data / "catalogue.yaml")),
        ("data/forums/ (forum pilots)", lambda: load_pilots(data / "forums", sectors=sectors)),
        ("data/forums/assessments/ (forum assessments)", assessments),
    ]


def _problem_lines(exc: PunosError) -> list[str]:
    # Each listed problem names its file, row and field already; the summary line before the
    # list ("… is not valid (5 problems); first: …") repeated on every line was noise.
    problems = getattr(exc, "problems", None)
    if problems:
        return list(problems)
    return [line for line in str(exc).splitlines() if line.strip()]


def check_curated(project: Path) -> tuple[list[str], list[str]]:
    """Validate every curated input of ``project``.

    Returns
    -------
    (checked, problems) : tuple of list of str
        What was checked, and every problem found (empty when all are valid).
    """
    checked: list[str] = []
    problems: list[str] = []
    for what, check in _curated_checks(project):
        checked.append(what)
        try:
            check()
        except PunosError as exc:
            problems.extend(f"{what}: {line}" for line in _problem_lines(exc))
    return checked, problems


# --------------------------------------------------------------------------- snapshot


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def check_snapshot(snapshot: Path) -> tuple[dict[str, str], list[str]]:
    """Read the manifest and recompute every payload's checksum.

    Returns
    -------
    (checksums, problems)
        ``checksums`` maps entry id to the sha256 of its payload as read now; ``problems`` lists
        a missing or unreadable manifest, missing payloads and payloads whose checksum differs
        from the manifest's.
    """
    from punos_lib.snapshot.store import Snapshot

    snap = Snapshot(snapshot)
    if not snap.exists:
        return {}, [f"no snapshot at {snapshot} (manifest.json missing): run `punos fetch` for real data "
                    "or `punos demo` for example data"]
    try:
        entries = snap.entries()
    except (PunosError, TypeError, ValueError, KeyError, AttributeError) as exc:
        # A hand-edited manifest must give a line naming it, not a traceback.
        text = str(exc)
        return {}, [text if str(snap.manifest_path) in text else f"snapshot manifest {snap.manifest_path}: {text}"]
    checksums: dict[str, str] = {}
    problems: list[str] = []
    if snap.marker_path.exists():
        # A fetch, demo or import is writing the snapshot now, or one died half-way.
        problems.append(f"the snapshot at {snapshot} is being written or a write was interrupted "
                        f"({snap.marker_path.name} is present); wait for it, or run `punos snapshot verify` "
                        "and repeat the command that wrote it")
    for entry in entries:
        try:
            path = snap.path_of(entry.id)
            actual = _sha256_file(path)
        except FileNotFoundError:
            problems.append(f"snapshot entry {entry.id}: payload {entry.path} is missing; "
                            "run `punos fetch` (or `punos demo`) again")
            continue
        except (OSError, PunosError) as exc:
            problems.append(f"snapshot entry {entry.id}: cannot read {entry.path}: {exc}")
            continue
        if actual != entry.sha256:
            problems.append(f"snapshot entry {entry.id}: payload {entry.path} has changed (sha256 {actual[:12]}, "
                            f"manifest says {str(entry.sha256)[:12]}); restore it or run `punos fetch` again")
            continue
        checksums[entry.id] = actual
    return checksums, problems


# --------------------------------------------------------------------------- punos check


@dataclass
class CheckReport:
    """What :func:`check_project` checked and every problem it found."""

    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """Printable lines: each check with ok / its problems, then a summary."""
        out = [f"checked {what}" for what in self.checked]
        out += [f"PROBLEM {p}" for p in self.problems]
        out.append(f"{len(self.checked)} inputs checked, {len(self.problems)} problems")
        return out


def check_project(project: Path, snapshot: Path, notebooks_dir: Path | None = None) -> CheckReport:
    """Validate the notebook list, every curated input and the snapshot of a project.

    Parameters
    ----------
    project : Path
        The project folder (with ``data/``).
    snapshot : Path
        The snapshot folder.
    notebooks_dir : Path, optional
        Default ``<project>/notebooks``.
    """
    from punos_lib.pipeline.specs import load_notebooks

    report = CheckReport()
    nb_list = (notebooks_dir or project / "notebooks") / "notebooks.yaml"
    report.checked.append(f"{nb_list.relative_to(project) if nb_list.is_relative_to(project) else nb_list} "
                          "(notebook list)")
    try:
        specs = load_notebooks(nb_list)
        missing = [s.path.name for s in specs if not s.path.is_file()]
        if missing:
            report.problems.append(f"{nb_list} lists notebooks that do not exist: {', '.join(missing)}")
    except ValidationError as exc:
        report.problems.extend(_problem_lines(exc))
    checked, problems = check_curated(project)
    report.checked += checked
    report.problems += problems
    checksums, problems = check_snapshot(snapshot)
    report.checked.append(f"snapshot {snapshot} ({len(checksums)} payload checksums verified)")
    report.problems += problems
    return report


def refuse(problems: list[str], what: str, error: type[PunosError]) -> None:
    """Raise one ``error`` listing every problem (nothing when there is none)."""
    if len(problems) == 1:
        raise error(f"{problems[0]}; nothing was run")
    if problems:
        raise error(f"{len(problems)} problems in the {what}, nothing was run (`punos check` lists them):\n"
                    + "\n".join(f"  - {p}" for p in problems))
