"""Curated reference inputs the rest of the library reads: regions, sectors, the dataset declaration.

- :mod:`~punos_lib.reference.regions`      the 19 regions and the country code
- :mod:`~punos_lib.reference.sectors`      ``data/sectors.yaml``: focus sectors and their codes
- :mod:`~punos_lib.reference.declarations` ``data/datasets.yaml``: what the study fetches and from where

These modules import nothing but the foundation (errors, paths, records).
"""
