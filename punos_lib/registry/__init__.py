"""Curated records of the study's three aims, and their analyses.

- :mod:`~punos_lib.registry.catalogue` knowledge producers and data sources (aim 1)
- :mod:`~punos_lib.registry.actors`    the anticipation network (aim 2)
- :mod:`~punos_lib.registry.forums`    forum pilots and their assessments (aim 3)
"""
