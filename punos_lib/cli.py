"""The ``punos`` command line.

Every command reads and writes the project's folders (see :mod:`punos_lib.paths`). Errors the
library raises on purpose (:class:`~punos_lib.errors.PunosError`) are printed as one line and give
exit code 2; a batch run with failed notebooks, or a snapshot that does not verify, gives exit code 1;
Ctrl-C gives 130 after saying what finished.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from punos_lib import __version__
from punos_lib.errors import PunosError

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _snapshot_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--snapshot",
        type=Path,
        default=None,
        metavar="DIR",
        help="snapshot folder (default: $PUNOS_SNAPSHOT or data/snapshot)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``punos`` (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="punos",
        description=(
            "Skills-needs anticipation toolkit: fetch data into a pinned snapshot, run the study "
            "notebooks and publish the study as a website and a PDF."
        ),
        epilog=(
            "Typical use: `punos fetch` (needs network) or `punos demo` (synthetic example data), "
            "then `punos run` and `punos render`. Exit codes: 0 ok, 1 some work failed, 2 bad input."
        ),
    )
    parser.add_argument("--version", action="version", version=f"punos {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "fetch",
        help="download every dataset the study declares into the snapshot",
        description=(
            "Download every dataset declared in data/datasets.yaml (or those named with --dataset) from "
            "Statistics Finland (StatFin PxWeb API, geo.stat.fi boundaries, classifications) into the "
            "snapshot, storing raw payloads with provenance. Resumable: datasets already complete and "
            "valid are skipped. A failing dataset is reported and the others continue. Datasets that "
            "must be downloaded by hand are listed with instructions (add them with `punos snapshot "
            "import`). Set PUNOS_OFFLINE=1 to forbid network use."
        ),
    )
    _snapshot_arg(p)
    p.add_argument("--dataset", action="append", metavar="ID", help="only this dataset (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")

    p = sub.add_parser(
        "demo",
        help="write a synthetic example snapshot (no network)",
        description=(
            "Write deterministic synthetic data for every declared dataset, in the exact shapes of the "
            "real responses, flagged synthetic. Everything built from it is marked "
            "'Esimerkkiaineisto – ei todellisia tilastoja'. Datasets that already have real entries are "
            "left as they are."
        ),
    )
    _snapshot_arg(p)
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the fixed demo seed)")
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")

    p = sub.add_parser(
        "bundle",
        help="put the real statistics shipped in data/real/ into the snapshot (no network)",
        description=(
            "Write the real statistics bundled with the project (data/real/, listed with their "
            "provenance in data/real/PROVENANCE.md) into the snapshot as real entries (source "
            "'bundled'). Synthetic entries of those datasets are replaced; datasets fetched from the "
            "API or imported by hand are left as they are. Run `punos demo` afterwards for example "
            "data of the datasets no bundled file covers; `punos fetch` replaces bundled data with "
            "fresh API data."
        ),
    )
    _snapshot_arg(p)

    p = sub.add_parser("snapshot", help="inspect, verify or add to the snapshot")
    snap_sub = p.add_subparsers(dest="snapshot_command", metavar="SUBCOMMAND")
    q = snap_sub.add_parser(
        "verify",
        help="recompute checksums; list missing, changed or unreadable entries (exit 1 if any)",
    )
    _snapshot_arg(q)
    q = snap_sub.add_parser("list", help="list the snapshot's entries with their provenance")
    _snapshot_arg(q)
    q = snap_sub.add_parser(
        "import",
        help="add a table downloaded by hand (.px, json-stat2 or PX-JSON .json, PxWeb Excel .xlsx, or .csv)",
        description=(
            "Add a file downloaded by hand to the snapshot as the data of a declared dataset, with the "
            "provenance you give. The file is parsed and checked against the declaration first (variables, "
            "table, numbers, years, area codes); nothing is written if it does not fit. "
            "It replaces synthetic demo data of that dataset."
        ),
    )
    _snapshot_arg(q)
    q.add_argument("file", type=Path, help="the downloaded file")
    q.add_argument("--dataset", required=True, metavar="ID", help="declared dataset id (see data/datasets.yaml)")
    q.add_argument("--source", required=True, help="where the file came from, e.g. 'Vipunen'")
    q.add_argument("--licence", default="CC BY 4.0", help="licence of the data (default: CC BY 4.0)")
    q.add_argument("--attribution", default=None, help="attribution line (default: 'Lähde: <source>')")
    q.add_argument("--url", default=None, help="address the file was downloaded from")
    q.add_argument("--updated", default=None, help="the upstream release or update date (ISO)")

    p = sub.add_parser(
        "run",
        help="execute the study notebooks with papermill (parallel, incremental)",
        description=(
            "Execute every study notebook (and the sector profile once per sector) with papermill into "
            "outputs/notebooks/. The region, year, sectors, curated inputs and the snapshot's checksums "
            "are checked first: a problem stops the run before anything executes. Unchanged executions "
            "are skipped. A failing notebook does not stop the others and never replaces the last good "
            "results (the failed notebook goes to outputs/notebooks/failed/); the run ends with a table "
            "and exit code 1 if any failed. --region all (or a list) builds each region into "
            "outputs/regions/<code>/. One run or render at a time per outputs folder."
        ),
    )
    p.add_argument("--sector", action="append", metavar="ID", help="only this sector's profile (repeatable)")
    p.add_argument("--region", default="MK10",
                   help="region code MK01–MK21 (default: MK10 Etelä-Savo), 'all', or a comma-separated list; "
                        "several regions go to outputs/regions/<code>/")
    p.add_argument("--year", type=int, default=None, help="reference year (default: the latest in the data)")
    p.add_argument("--workers", type=int, default=1, help="parallel worker processes (default: 1)")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="run the executions on this Dask distributed cluster (workers need the project "
                        "installed and the snapshot and outputs folders reachable under the same paths)")
    p.add_argument("--force", action="store_true", help="re-execute even unchanged notebooks")
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")

    p = sub.add_parser(
        "check",
        help="validate the curated inputs and the snapshot without running anything",
        description=(
            "Validate the notebook list, every curated input under data/ (datasets.yaml, sectors.yaml, "
            "the actor registry, the source catalogue, forum pilots and assessments) and the snapshot "
            "(manifest readable, every payload's checksum). Prints what was checked and every problem; "
            "exit code 0 when all are valid, 2 otherwise."
        ),
    )
    _snapshot_arg(p)

    p = sub.add_parser(
        "render",
        help="publish the study as a website and a PDF",
        description=(
            "Render the study defined by _quarto.yml from the executed notebooks: with Quarto when it is "
            "installed (PATH or QUARTO_PATH), otherwise with pandoc and Typst. Writes "
            "outputs/site/index.html and the PDF under outputs/."
        ),
    )
    p.add_argument(
        "--format", action="append", choices=["html", "pdf"], dest="formats", help="only this format (repeatable)"
    )
    p.add_argument(
        "--engine", choices=["quarto", "builtin"], default=None,
        help="renderer (default: Quarto when found on PATH or in QUARTO_PATH, the built-in pandoc + Typst otherwise)",
    )
    p.add_argument("--region", default=None,
                   help="publish the study of these regions built by `punos run --region` ('all' or a "
                        "comma-separated list; each from outputs/regions/<code>/)")

    p = sub.add_parser(
        "lab",
        help="open the notebooks in JupyterLab",
        description=(
            "Start JupyterLab on notebooks/ with the kernel and the snapshot and outputs folders that "
            "`punos run` uses; prints the address to open. Ctrl-C stops it."
        ),
    )
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8888, help="port (default: 8888)")

    p = sub.add_parser("forum", help="forum pilots: assessment workbooks")
    forum_sub = p.add_subparsers(dest="forum_command", metavar="SUBCOMMAND")
    q = forum_sub.add_parser(
        "template",
        help="write an Excel workbook for collecting a forum's assessments of a sector's occupations",
    )
    q.add_argument("--sector", required=True, metavar="ID", help="sector id from data/sectors.yaml")
    q.add_argument("--region", default="MK10", metavar="CODE",
                   help="the region whose forum it is, e.g. MK07 (default: MK10, the study's default region); "
                        "every imported assessment carries it")
    q.add_argument("--output", required=True, type=Path, metavar="FILE", help="the .xlsx file to write")
    q = forum_sub.add_parser(
        "import",
        help="validate a filled workbook and store its assessments (nothing is stored if any row is bad)",
    )
    q.add_argument("file", type=Path, help="the filled .xlsx workbook")
    q.add_argument("--dest", type=Path, default=None, metavar="DIR",
                   help="where to store (default: data/forums/assessments)")

    p = sub.add_parser("registry", help="the actor registry and the source catalogue as one Excel workbook")
    registry_sub = p.add_subparsers(dest="registry_command", metavar="SUBCOMMAND")
    q = registry_sub.add_parser("template", help="write the current registry and catalogue into an .xlsx workbook")
    q.add_argument("--output", required=True, type=Path, metavar="FILE", help="the .xlsx file to write")
    q = registry_sub.add_parser(
        "import",
        help="validate a filled workbook and write data/actors/*.csv and data/catalogue.yaml "
             "(nothing is written if any row is bad)",
    )
    q.add_argument("file", type=Path, help="the filled .xlsx workbook")
    return parser


def _cmd_fetch(args: argparse.Namespace) -> int:
    from punos_lib.snapshot import fetch

    report = fetch.fetch_all(args.snapshot, datasets=args.dataset, progress=not args.no_progress)
    print(report.summary())
    return EXIT_OK if report.ok else EXIT_FAILED


def _cmd_demo(args: argparse.Namespace) -> int:
    from punos_lib.snapshot import demo

    kwargs = {"progress": not args.no_progress}
    if args.seed is not None:
        kwargs["seed"] = args.seed
    snap = demo.build_demo(args.snapshot, **kwargs)
    entries = snap.entries()
    real = sorted({e.dataset for e in entries if not e.synthetic})
    kept = f"; real data kept for {', '.join(real)}" if real else ""
    print(f"demo snapshot written to {snap.root} ({sum(e.synthetic for e in entries)} entries marked "
          f"synthetic{kept})")
    return EXIT_OK


def _cmd_bundle(args: argparse.Namespace) -> int:
    from punos_lib.snapshot import bundled

    print(bundled.load_bundle(args.snapshot).summary())
    return EXIT_OK


#: How `punos snapshot list` names where an entry came from.
_ORIGIN_TEXT = {"example": "SYNTHETIC example", "bundled": "real (bundled)", "imported": "real (imported)",
                "api": "real (API)"}


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from punos_lib.snapshot.importing import import_file
    from punos_lib.snapshot.store import Snapshot

    if args.snapshot_command is None:
        raise PunosError("give a snapshot subcommand: verify, list or import (see `punos snapshot --help`)")
    snap = Snapshot(args.snapshot)
    if args.snapshot_command == "verify":
        if not snap.exists:
            raise PunosError(f"no snapshot at {snap.root}: run `punos fetch` or `punos demo` first")
        report = snap.verify()
        for line in report.problems:
            print(line)
        for rel in report.untracked:
            print(f"untracked file (not in the manifest): {rel}")
        print(f"{len(report.ok)} entries ok, {len(report.problems)} problems")
        return EXIT_FAILED if report.problems else EXIT_OK
    if args.snapshot_command == "list":
        from punos_lib.snapshot.origins import origin

        for e in snap.entries():
            print(f"{e.id}\t{_ORIGIN_TEXT[origin(e)]}\t{e.source}\t{e.updated or '-'}\t{e.sha256[:12]}\t{e.url or '-'}")
        return EXIT_OK
    if args.snapshot_command == "import":
        # import_file checks the format and the contents against the dataset's declaration
        entry = import_file(
            snap,
            args.file,
            dataset=args.dataset,
            source=args.source,
            licence=args.licence,
            attribution=args.attribution or f"Lähde: {args.source}",
            url=args.url,
            updated=args.updated,
        )
        print(f"imported {args.file} as {entry.id} ({entry.bytes} bytes, sha256 {entry.sha256[:12]})")
        return EXIT_OK
    raise PunosError("give a snapshot subcommand: verify, list or import (see `punos snapshot --help`)")


def _cmd_run(args: argparse.Namespace) -> int:
    from punos_lib import pipeline
    from punos_lib.pipeline import checks

    if args.workers < 1:
        raise PunosError(f"--workers must be at least 1, got {args.workers}")
    options = dict(sectors=args.sector, year=args.year, workers=args.workers, force=args.force,
                   progress=not args.no_progress, scheduler=args.scheduler)
    if _several(args.region):
        reports = pipeline.run_regions(checks.parse_regions(args.region), **options)
        return EXIT_OK if all(r.ok for r in reports.values()) else EXIT_FAILED
    report = pipeline.run(region=args.region, **options)
    return EXIT_OK if report.ok else EXIT_FAILED


def _several(region: str | None) -> bool:
    """True when ``--region`` names all regions or a list (each gets its own output tree)."""
    return region is not None and (region.strip() == "all" or "," in region)


def _cmd_check(args: argparse.Namespace) -> int:
    from punos_lib import paths
    from punos_lib.pipeline import check_project

    snapshot = args.snapshot.resolve() if args.snapshot else paths.snapshot_dir()
    report = check_project(paths.project_dir(), snapshot)
    for line in report.lines():
        print(line)
    return EXIT_OK if report.ok else EXIT_USAGE


def _cmd_render(args: argparse.Namespace) -> int:
    from punos_lib import paths, publish
    from punos_lib._lock import OutputsLock
    from punos_lib.pipeline import REGIONS_DIR
    from punos_lib.pipeline.checks import parse_regions

    formats = tuple(args.formats) if args.formats else ("html", "pdf")
    outputs = paths.outputs_dir()
    if outputs.exists() and not outputs.is_dir():
        raise PunosError(f"the outputs folder {outputs} is a file; point PUNOS_OUTPUTS at a folder")
    regions = parse_regions(args.region) if args.region else []
    # Rendering while a run rewrites the notebooks would publish a mix of two runs.
    with OutputsLock(outputs, "punos render" + (f" --region {args.region}" if args.region else "")):
        if not regions:
            report = publish.render(formats=formats, engine=args.engine)
            for line in report.lines():
                print(line)
            return EXIT_OK
        for code in regions:
            folder = outputs / REGIONS_DIR / code
            if not (folder / "notebooks").is_dir():
                raise PunosError(f"no study built for {code} in {folder}; run `punos run --region {args.region}` first")
        for code in regions:
            report = publish.render(formats=formats, outputs_dir=outputs / REGIONS_DIR / code, engine=args.engine)
            for line in report.lines():
                print(f"{code}: {line}")
    return EXIT_OK


def _cmd_lab(args: argparse.Namespace) -> int:
    from punos_lib.lab import run_lab

    return run_lab(ip=args.ip, port=args.port)


def _cmd_forum(args: argparse.Namespace) -> int:
    from punos_lib.registry import forums

    if args.forum_command == "template":
        path = forums.write_template(args.sector, args.output, region=args.region)
        print(f"wrote {path}")
        return EXIT_OK
    if args.forum_command == "import":
        path = forums.import_workbook(args.file, args.dest)
        print(f"stored assessments in {path}")
        return EXIT_OK
    raise PunosError("give a forum subcommand: template or import (see `punos forum --help`)")


def _cmd_registry(args: argparse.Namespace) -> int:
    from punos_lib.registry import workbook

    if args.registry_command == "template":
        print(f"wrote {workbook.write_template(args.output)}")
        return EXIT_OK
    if args.registry_command == "import":
        written = workbook.import_workbook(args.file)
        print("wrote " + ", ".join(map(str, written)) if written else "no changes; nothing written")
        return EXIT_OK
    raise PunosError("give a registry subcommand: template or import (see `punos registry --help`)")


_COMMANDS = {
    "fetch": _cmd_fetch,
    "demo": _cmd_demo,
    "bundle": _cmd_bundle,
    "snapshot": _cmd_snapshot,
    "run": _cmd_run,
    "check": _cmd_check,
    "render": _cmd_render,
    "lab": _cmd_lab,
    "forum": _cmd_forum,
    "registry": _cmd_registry,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``punos`` command; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except PunosError as exc:
        print(f"punos: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        detail = str(exc)
        print(f"punos: interrupted{': ' + detail if detail else ''}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
