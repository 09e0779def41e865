"""Device targets whose limits decide which layers an accelerator can run (`TARGETS[name].refusals`)."""

from diffhw.exporters.targets import k210

#: Target name -> module with `NAME`, `DESCRIPTION` and `refusals(graph) -> {MAC node name: reason}`.
TARGETS = {k210.NAME: k210}

__all__ = ["TARGETS"]
