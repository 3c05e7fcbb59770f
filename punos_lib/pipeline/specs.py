"""What a run executes: the notebook list (``notebooks/notebooks.yaml``) and the executions it gives.

Which notebooks exist is declared in ``notebooks/notebooks.yaml``::

    notebooks:
      - file: 02-vaesto.ipynb          # a notebook in the same folder
        per_sector: false              # run once
      - file: 07-toimialaprofiili.ipynb
        per_sector: true               # run once per sector of data/sectors.yaml

Each execution gets the parameters ``region, sector, year, lang, run_id``; ``run_id`` is the
output stem: ``<stem>`` or ``<stem>-<sector>`` for sector notebooks.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from punos_lib.errors import InputError, ValidationError

__all__ = ["NotebookSpec", "load_notebooks", "sector_ids", "plan"]


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook declared in ``notebooks.yaml``."""

    path: Path
    per_sector: bool

    @property
    def stem(self) -> str:
        return self.path.stem


def load_notebooks(path: str | os.PathLike[str]) -> list[NotebookSpec]:
    """Read ``notebooks.yaml``: the notebooks the pipeline runs and which run per sector.

    Parameters
    ----------
    path : path-like
        The YAML file; notebook files are relative to its folder.

    Returns
    -------
    list of NotebookSpec
        In file order.

    Raises
    ------
    ValidationError
        The file is missing, not YAML, or an entry is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            "notebook list not found; create it with a 'notebooks:' list of {file, per_sector}", file=path
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValidationError(f"not valid YAML: {exc}", file=path) from exc
    if not isinstance(raw, Mapping) or not isinstance(raw.get("notebooks"), list):
        raise ValidationError("expected a mapping with a 'notebooks:' list", file=path)
    specs: list[NotebookSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(raw["notebooks"], start=1):
        where = {"file": path, "row": i}
        if not isinstance(item, Mapping):
            raise ValidationError("each entry must be a mapping {file, per_sector}", **where)
        unknown = sorted(set(item) - {"file", "per_sector"})
        if unknown:
            raise ValidationError(f"unknown keys {unknown}; allowed: file, per_sector", **where)
        name = item.get("file")
        if not isinstance(name, str) or not name.endswith(".ipynb") or "/" in name:
            raise ValidationError("'file' must be a notebook file name like 02-vaesto.ipynb", field="file",
                                  value=name, **where)
        per_sector = item.get("per_sector", False)
        if not isinstance(per_sector, bool):
            raise ValidationError("'per_sector' must be true or false", field="per_sector", value=per_sector,
                                  **where)
        if name in seen:
            raise ValidationError("notebook listed twice", field="file", value=name, **where)
        seen.add(name)
        specs.append(NotebookSpec(path=path.parent / name, per_sector=per_sector))
    return specs


def sector_ids(project: Path) -> list[str]:
    """Sector ids in the order of the project's ``data/sectors.yaml``."""
    from punos_lib.reference.sectors import load_sectors

    return list(load_sectors(project / "data" / "sectors.yaml"))


def plan(
    specs: Sequence[NotebookSpec], sectors: Iterable[str] | None, all_sectors: Sequence[str], region: str,
    year: int | None, lang: str,
) -> list[tuple[NotebookSpec, dict[str, Any]]]:
    """The (notebook, parameters) pairs of one region, in declaration order.

    Raises
    ------
    InputError
        A wanted sector is not in ``all_sectors``.
    """
    if isinstance(sectors, str):
        sectors = [sectors]
    wanted = list(sectors) if sectors is not None else None
    if wanted is not None:
        unknown = [s for s in wanted if s not in all_sectors]
        if unknown:
            raise InputError(
                f"unknown sector(s) {unknown}; the sectors in data/sectors.yaml are: {', '.join(all_sectors)}"
            )
    out = []
    for spec in specs:
        if spec.per_sector:
            for sector in (wanted if wanted is not None else all_sectors):
                out.append((spec, _params(f"{spec.stem}-{sector}", region, sector, year, lang)))
        elif wanted is None:
            out.append((spec, _params(spec.stem, region, None, year, lang)))
    return out


def _params(run_id: str, region: str, sector: str | None, year: int | None, lang: str) -> dict[str, Any]:
    return {"region": region, "sector": sector, "year": year, "lang": lang, "run_id": run_id}
