"""Network-level batched evaluation: models x hardware x dataflows -> one row per (model, hw, dataflow).

The work is planned so that every distinct (layer, hardware, dataflow template) item is evaluated once,
however many networks share it (NAS samples share almost all of their layers: 1,000 DARTS networks have
~33 distinct layers), then scattered back to the networks:

1. `Plan`: the distinct layers of all networks (`np.unique` over the layer fields), the distinct hardware
   as the cost model sees it (`l1_size`/`l2_size` do not change a layer's cost, only feasibility), and per
   swept dataflow the template each layer gets (`rule`: by default DSCONV layers get `dpt` and GEMM layers
   `gemm`, as MAESTRO's frontend does; CONV layers get the swept dataflow).
2. `evaluate_plan`: the valid (layer, template, hw) items grouped by (dataflow structure, layer type,
   batch dim) and evaluated in one `diffhw.evaluate.evaluate_batches` call (each group under its whole
   case space: one compile per group; fixed-size chunks from the dispatch threads, each chunk sharded over
   the local devices). Items MAESTRO cannot run (a dataflow whose clusters
   need more PEs than the hardware has, Y < R, ...) are marked invalid with the reason, never evaluated.
3. `aggregate`: network totals per chunk of models, from per-network (distinct layer, count) lists:
   latency = sum of runtime_cycles, energy = sum of energy_total, num_macs = sum, max_l1_req / max_l2_req =
   max of total_l1/l2_size_req, peak_noc_bw_req / offchip_bw_req = max over layers, edp = latency x energy.
   Area, power and feasibility: `diffhw.feasibility.design_checks`, the definition `diffhw codesign` uses
   too (area/power of the accelerator as built, area_req/power_req with buffers at the requirement;
   buffers and budgets are hard, bandwidth below the requirement only slows the design down).
   A network with an invalid layer on a (hw, dataflow) gets valid=False, the reason in `error`, -1 / NaN
   metrics.
4. `run_eval`: chunks of models written to `<out>.parts/` one file per chunk (atomic rename), `resume`
   skipping the chunks already on disk, several processes (`jax.distributed`) taking chunks round-robin,
   then one merge into `<out>` (Parquet via pyarrow, CSV, or JSON: an array of row objects).

The package: `models` (Models), `plan` (Plan, evaluate_plan), `aggregate` (EvalConfig, aggregate), `files`
(parts, merge, fingerprints, read_table), `run` (sweep, run_eval, progress).
"""

from diffhw.sweep.aggregate import CSV_ENERGY_OUTPUTS, NET_COLUMNS, EvalConfig, aggregate
from diffhw.sweep.files import FINGERPRINT_KEY, have_pyarrow, output_fingerprint, read_table
from diffhw.sweep.models import KEY_FIELDS, Models, models_from_networks, spec_of_key
from diffhw.sweep.plan import AGG_OUTPUTS, DEFAULT_RULE, Plan, evaluate_plan, parse_rule
from diffhw.sweep.run import EvalError, Progress, device_name, run_eval, sweep

__all__ = ["Models", "Plan", "EvalConfig", "DEFAULT_RULE", "AGG_OUTPUTS", "NET_COLUMNS", "KEY_FIELDS",
           "CSV_ENERGY_OUTPUTS", "FINGERPRINT_KEY", "parse_rule", "models_from_networks", "spec_of_key", "evaluate_plan",
           "aggregate", "sweep", "run_eval", "EvalError", "Progress", "device_name", "have_pyarrow",
           "output_fingerprint", "read_table"]
