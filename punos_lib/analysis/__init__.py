"""The analysis steps between a dataset and a figure or table, one module per concept.

Each function takes frames of :mod:`punos_lib.datasets` (columns as in ``docs/architecture.md``)
and the study region as an argument (``"MK10"`` is only the notebooks' default), and returns the
frame one figure or table shows. Functions are pure: they never load data (the notebook passes
the frames in; the study context :class:`punos_lib.study.Study` loads them) and never draw
(:mod:`punos_lib.present` does). Every result carries ``attrs["provenance"]`` merged from its
inputs, so the source line and the demo mark follow the numbers.

- :mod:`~punos_lib.analysis.areas`           regions of a frame, a region's municipalities, ranking regions
- :mod:`~punos_lib.analysis.population`      chapter 2: age groups, change, age structure, dependency, projection
- :mod:`~punos_lib.analysis.economy`         chapter 3: TOL sections, industry structure, LQ, shift-share, jobs, self-sufficiency
- :mod:`~punos_lib.analysis.occupations`     chapter 4: occupation structure, ages, exits and job openings
- :mod:`~punos_lib.analysis.matching`        chapter 5: tightness, mismatch, Beveridge
- :mod:`~punos_lib.analysis.education`       chapter 6: education supply, and against job openings
- :mod:`~punos_lib.analysis.sector_profiles` chapter 7: the numbers of a sector profile
- :mod:`~punos_lib.analysis.findings`        chapter 1: headline indicators of every region, peers, key findings
- :mod:`~punos_lib.analysis._common`         the shared helpers (area names, years, labels, code matching,
  column checks, provenance)

Import the module you need: ``from punos_lib.analysis import economy``. The package itself
names only :func:`resolve_year` (the year to show, used by every chapter).
"""

from punos_lib.analysis._common import resolve_year

__all__ = ["resolve_year"]
