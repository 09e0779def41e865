"""Exporters: a design (layers, dataflow, hardware) -> files other tools consume (`diffhw.exporters`)."""
