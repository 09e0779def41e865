"""XLA options of the exact model's compiled programs, and when to trade run time for compile time.

A sweep of 1,000 DARTS networks x 56 hardware configs x 4 dataflows evaluates only 4,872 distinct items but
compiles 12 programs (6 dataflow groups x (state analysis, evaluation)): its wall time is tracing and
compiling. Lower LLVM optimization levels compile faster and run slower, so batches of at most
QUICK_COMPILE_ITEMS items (the sweep's are ~800) get them:

* the state analysis (integers and booleans only) at level 0;
* the evaluation at level 1, bit-identical to the default level 2.

That sweep (planning and evaluation in one process): 15.0 CPU-s / 9.3 s wall at the default level, 11.8
CPU-s / 7.8 s with these options; evaluations then run ~13 % slower per item (442k vs 509k items/s on 308k
items), so it pays only for small batches. Level 0 for the evaluation too would give 8.3 CPU-s / 6.3 s, but
it changes the last bit of some float64 outputs (energy) between programs of different case spaces or
shapes: a result would depend on its batch. Measured on a 2-core Xeon (CPU backend).
"""

from __future__ import annotations

#: Options of every exact-model program. XLA CPU's newer fusion emitters compile the model's hundreds of
#: [items, cases] select/compare chains to code 1.6-1.9x slower than the classic elemental emitter (dev set,
#: 2-core Xeon). One LLVM module per program (no parallel codegen split), adopted when stored executables
#: missed kernels in a later process ("Function ... not found"); the cause found since is another (an
#: executable from JAX's persistent cache, serialized again: `diffhw.engine.jit.fresh`); the option is kept
#: (not re-measured without it). Other backends ignore both options.
COMPILER_OPTIONS = {"xla_cpu_use_fusion_emitters": False, "xla_cpu_parallel_codegen_split_count": 1}
#: Evaluation programs of small batches.
QUICK_OPTIONS = {**COMPILER_OPTIONS, "xla_backend_optimization_level": 1}
#: State-analysis programs (integer only) of small batches.
QUICK_INTEGER_OPTIONS = {**COMPILER_OPTIONS, "xla_backend_optimization_level": 0}
#: Batches of at most this many items get the quick options.
QUICK_COMPILE_ITEMS = 16_384


def quick(items: int) -> bool:
    """Whether a batch of `items` items should compile with the quick options."""
    return items <= QUICK_COMPILE_ITEMS
