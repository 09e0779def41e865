"""The engine: batching the single-instance cost model (`diffhw.cost.model.layer_cost`).

`packing` (a batch as one int64 matrix, chunk sizes), `cases` (the case spaces a batch reaches and its split
into parts), `batches` (`evaluate_arrays` / `evaluate_batches`: `jit(vmap(layer_cost))` per part and chunk,
from the dispatch threads), `jit` and `store` (compiled programs kept on disk). Importing this package
imports no JAX (`diffhw cache info` stays light); its modules do."""
