"""Frontends: importers that turn model descriptions into diffhw layers (`diffhw.frontends`).

* `diffhw.frontends.maestro` — MAESTRO model / mapping / dataflow / hardware files (read and write).
"""
