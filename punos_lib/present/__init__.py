"""Presentation: one figure style, maps and tile grids. Nothing here loads data.

- :mod:`~punos_lib.present.figures` charts with Finnish labels, source line and the example-data mark
- :mod:`~punos_lib.present.maps`    choropleths (EPSG:3067), tile maps, region comparisons
- :mod:`~punos_lib.present.tiles`   tile-grid positions of municipalities and regions
"""
