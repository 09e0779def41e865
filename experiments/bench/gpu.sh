#!/usr/bin/env bash
# The GPU check, one prepared call on a lent device machine (no network there; its image has JAX with CUDA,
# optax, flax, pyarrow, onnx, onnxruntime, pytest). From the repository root, with $OUT set by the device tool:
#   bash experiments/bench/gpu.sh
# writes $OUT/env.txt, $OUT/bench_dev.json (`diffhw bench` on the dev set, 1M layer evaluations per call: steady-state
# layer-evaluations/s, best of 5) and $OUT/eval_10k.json (10k DARTS models
# x 100 hardware configs x 4 dataflows end to end, diffhw only). Targets: >= 1e8 layer-evaluations/s steady
# state; the 10k x 100 x 4 evaluation in < 60 s end to end.
set -uo pipefail
OUT=${OUT:-/tmp/gpu_out}
mkdir -p "$OUT"
python3 -m pip install --quiet --no-deps --no-build-isolation -e . > "$OUT/install.log" 2>&1
{ nvidia-smi; python3 -c "import jax; print(jax.__version__, jax.devices())"; } > "$OUT/env.txt" 2>&1
export DIFFHW_CACHE_DIR="$OUT/cache"
timeout 240 diffhw bench --mapping tests/data/dev/mappings/*.m --hw tests/data/dev/hw/*.m --repeat 5 \
    --min-items 1000000 --json "$OUT/bench_dev.json" 2>&1 | tail -20
timeout 300 python3 experiments/bench/eval_vs_maestro.py --samples 10000 --hw 100 --dataflows os,ws,rs,dla \
    --json "$OUT/eval_10k.json" 2>&1 | tail -20
rm -rf "$OUT/cache"
