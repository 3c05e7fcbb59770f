"""Curated reference inputs the rest of the library reads: regions, municipalities, labels, sectors, the dataset declaration.

- :mod:`~punos_lib.reference.regions`      the 19 regions and the country code
- :mod:`~punos_lib.reference.municipalities` the committed municipality key, mergers, ``harmonize``
- :mod:`~punos_lib.reference.labels`       code → name lookups from the curated classification tables
- :mod:`~punos_lib.reference.sectors`      ``data/sectors.yaml``: focus sectors and their codes
- :mod:`~punos_lib.reference.declarations` ``data/datasets.yaml``: what the study fetches and from where
- :mod:`~punos_lib.reference.statfin_codes` codes of StatFin tables the recordings show only in part
  (tyonv's codes for an unknown area, the category codes of 115p/115b exported as text)

These modules import nothing but the foundation (errors, paths, records).
"""
