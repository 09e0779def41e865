"""diffhw.sweep: network rows equal the exact per-layer model summed over the network; padding, dedupe,
chunking and hardware grids never change a result."""

import importlib
from dataclasses import replace

import numpy as np
import pytest

from diffhw.dataflow import TEMPLATES
from diffhw.evaluate import evaluate
from diffhw.hardware import HardwareSpec
from diffhw.hwgrid import GridError, expand_values, load_grid
from diffhw.frontends.nas import darts
from diffhw.layers import GEMM, Layers
from diffhw.sweep import spec_of_key
from diffhw.sweep import (KEY_FIELDS, EvalConfig, Models, aggregate, evaluate_plan, models_from_networks,
                          parse_rule, sweep, Plan, AGG_OUTPUTS)
from diffhw.frontends.nas import sample_models

HW = [HardwareSpec(num_pes=64, l1_size=512, l2_size=100_000, noc_bw=16, offchip_bw=64, name="a"),
      HardwareSpec(num_pes=256, l1_size=64, l2_size=4_000, noc_bw=256, offchip_bw=8, name="b"),
      HardwareSpec(num_pes=32, l1_size=512, l2_size=100_000, noc_bw=64, offchip_bw=64, name="c")]


@pytest.fixture(scope="module")
def darts6():
    return sample_models("darts", 6, seed=3)


@pytest.fixture(scope="module")
def swept(darts6):
    cfg = EvalConfig(dataflows=("ws", "dla"), area_budget=5e6, power_budget=400.0)
    return cfg, sweep(darts6, HW, cfg)[0]


_REF_CACHE: dict = {}


def _reference(models: Models, m: int, hw: HardwareSpec, df: str, rule=None):
    """The exact per-layer model (`diffhw.evaluate.evaluate`) summed over network m; None if invalid.
    One `evaluate` call per dataflow covers every model and hardware config (few compiles)."""
    rule = rule or {"DSCONV": "dpt", "GEMM": "gemm"}
    key = (id(models), df, tuple(h.name for h in HW))
    if key not in _REF_CACHE:
        specs, owner = [], []
        for mm in range(len(models)):
            for k in models.network_keys(mm):
                s = spec_of_key(k)
                specs.append(replace(s, dataflow=TEMPLATES[rule.get(s.op, df)]))
                owner.append(mm)
        ev = evaluate(specs, HW)
        _REF_CACHE[key] = (np.array(owner), ev)
    owner, ev = _REF_CACHE[key]
    j = [h.name for h in HW].index(hw.name)
    rows = [ev.rows[i * len(HW) + j] for i in np.flatnonzero(owner == m)]
    if any(r is None for r in rows):
        return None
    return {"latency_cycles": sum(r["runtime_cycles"] for r in rows),
            "energy": sum(r["energy_total"] for r in rows),
            "num_macs": sum(r["num_macs"] for r in rows),
            "max_l1_req": max(r["total_l1_size_req"] for r in rows),
            "max_l2_req": max(r["total_l2_size_req"] for r in rows),
            "peak_noc_bw_req": max(r["peak_noc_bw_req"] for r in rows),
            "offchip_bw_req": max(r["offchip_bw_req"] for r in rows)}


def test_rows_equal_per_layer_model(darts6, swept):
    cfg, cols = swept
    assert len(cols["model"]) == 6 * 3 * 2
    i = 0
    for m in range(6):
        for h, hw in enumerate(HW):
            for df in cfg.dataflows:
                assert (cols["model"][i], cols["hw_id"][i], cols["dataflow"][i]) == (darts6.names[m], h, df)
                ref = _reference(darts6, m, hw, df)
                if ref is None:  # dla's 64-PE cluster on a 32-PE accelerator: invalid, as MAESTRO would crash
                    assert not cols["valid"][i] and "PEs" in cols["error"][i] and cols["latency_cycles"][i] == -1
                    assert hw.num_pes < 64 and df == "dla"
                else:
                    assert cols["valid"][i] and cols["error"][i] == ""
                    for k, v in ref.items():
                        if k == "energy":
                            assert cols[k][i] == pytest.approx(v, rel=1e-12)
                        else:
                            assert cols[k][i] == v, k
                    assert cols["edp"][i] == pytest.approx(ref["latency_cycles"] * ref["energy"], rel=1e-12)
                    assert cols["fits_l1"][i] == (ref["max_l1_req"] <= hw.l1_size)
                    assert cols["fits_l2"][i] == (ref["max_l2_req"] <= hw.l2_size)
                    assert cols["noc_ok"][i] == (ref["peak_noc_bw_req"] <= hw.noc_bw)
                    assert cols["offchip_ok"][i] == (ref["offchip_bw_req"] <= hw.offchip_bw)
                    assert cols["area_ok"][i] == (cols["area"][i] <= 5e6)
                    # bandwidth below the requirement slows a design down (its latency says how much), it
                    # does not make it infeasible (diffhw.feasibility)
                    assert cols["feasible"][i] == all(cols[f][i] for f in ("fits_l1", "fits_l2", "area_ok",
                                                                           "power_ok"))
                i += 1


def test_area_power_as_built_and_at_the_requirement(darts6, swept):
    """area/power: MAESTRO's model at the provisioned l1_size/l2_size (the accelerator as built, what
    `diffhw codesign` reports); area_req/power_req at the network's max L1/L2 requirement. A provisioned
    L2 four times larger costs area; the requirement does not change."""
    import jax.numpy as jnp

    from diffhw.cost.model import hardware_cost

    cfg, cols = swept
    i = 0
    hw = HW[0]

    def model(l1, l2):
        c = hardware_cost(jnp.int64(hw.num_pes), jnp.int64(hw.noc_bw), jnp.int64(hw.simd_lanes), jnp.int64(l1),
                          jnp.int64(l2))
        return float(c["area"]), float(c["power"])

    assert (cols["area"][i], cols["power"][i]) == pytest.approx(model(hw.l1_size, hw.l2_size), rel=1e-12)
    assert (cols["area_req"][i], cols["power_req"][i]) == pytest.approx(
        model(cols["max_l1_req"][i], cols["max_l2_req"][i]), rel=1e-12)
    big, _ = sweep(darts6.take(np.array([0])), [replace(hw, l2_size=4 * hw.l2_size)], cfg)
    assert big["area"][0] > cols["area"][i] and big["area_req"][0] == cols["area_req"][i]


def test_padding_and_order_do_not_change_results(darts6, swept):
    cfg, cols = swept
    s = darts.sample(6, seed=3)  # the same networks as padded layer arrays
    pad = 40
    padded = Layers(**{f: np.concatenate([np.asarray(getattr(s.layers, f)),
                                          np.full((6, pad), False if f == "mask" else 7)], 1)
                       for f in Layers._fields})
    hb = np.concatenate([(s.layers.op != GEMM) & (s.layers.N > 1), np.ones((6, pad), bool)], 1)
    rev = np.arange(6)[::-1]
    # padded, models reversed, stored as arrays instead of rows of the space's table: same rows
    m2 = Models.from_arrays([darts6.names[i] for i in rev],
                            Layers(**{f: np.asarray(getattr(padded, f))[rev] for f in Layers._fields}),
                            hb[rev])
    assert m2.take(rev).digest() == darts6.digest()
    cols2 = sweep(m2, HW, cfg)[0]
    per = 3 * 2
    for j, m in enumerate(rev):
        for k in ("latency_cycles", "energy", "max_l1_req", "area", "valid", "feasible"):
            a = np.asarray(cols[k][m * per:(m + 1) * per])
            b = np.asarray(cols2[k][j * per:(j + 1) * per])
            np.testing.assert_array_equal(a, b)


def test_chunked_aggregation_equals_whole(darts6):
    cfg = EvalConfig(dataflows=("ws",))
    plan = Plan(darts6, HW, list(cfg.dataflows), dict(cfg.rule))
    res, codes = evaluate_plan(plan, AGG_OUTPUTS)
    whole, _ = aggregate(plan, res, codes, np.arange(6), cfg)
    parts = [aggregate(plan, res, codes, np.array(ix), cfg)[0] for ix in ([0, 1], [2, 3, 4], [5])]
    for k in whole:
        assert list(np.concatenate([np.asarray(p[k], object) for p in parts])) == list(np.asarray(whole[k], object))


@pytest.mark.parametrize("space", ["darts", "alphanet"])
def test_space_models_are_the_sampled_networks(space):
    """`sample_models` stores rows of the space's layer table; they are `sample`'s networks."""
    s = importlib.import_module(f"diffhw.frontends.nas.{space}").sample(40, seed=7)
    hb = (s.layers.op != GEMM) & (s.layers.N > 1)
    models = sample_models(space, 40, seed=7)
    assert models.index.dtype == np.int32 and models.names == s.names
    assert models.digest() == Models.from_arrays(s.names, s.layers, hb).digest()
    for m in (0, 17, 39):
        n = int(s.layers.mask[m].sum())
        expect = np.stack([np.asarray(getattr(s.layers, f))[m, :n] for f in KEY_FIELDS[:-1]] + [hb[m, :n]], 1)
        np.testing.assert_array_equal(models.network_keys(m), expect)


def test_dedupe_counts(darts6):
    plan = Plan(darts6, HW + [replace(HW[0], l1_size=1, name="d")], ["os", "ws", "rs", "dla"], parse_rule(""))
    n_layers = int(darts6.lengths().sum())
    assert len(plan.keys) < n_layers / 5  # NAS samples share their layers
    assert len(plan.hw_keys) == 3  # l1/l2 sizes do not change a layer's cost: hw 'd' shares 'a''s items


def test_per_layer_rows_and_files_models(tmp_path):
    """Model files (MAESTRO .m) through the sweep; per-layer rows equal `diffhw maestro` on the mapping."""
    from diffhw.cli.maestro import run_maestro
    from diffhw.frontends import zoo
    from diffhw.frontends.maestro import apply_dataflow, write_hw, write_model

    net = zoo.get("mobilenet_v2").to_network("padded")
    net = replace(net, layers=net.layers[:12])
    models = models_from_networks([("mbv2", net.layers)])
    cfg = EvalConfig(dataflows=("ws",), per_layer=True)
    cols, lcols = sweep(models, HW[:1], cfg)
    mapped = apply_dataflow(net, {"CONV": "ws", "GEMM": "gemm"})
    (tmp_path / "m.m").write_text(write_model(mapped, with_dataflow=True))
    (tmp_path / "hw.m").write_text(write_hw(HW[0]))
    rows, errors = run_maestro([str(tmp_path / "m.m")], [str(tmp_path / "hw.m")])
    assert not errors and len(rows) == 12 == len(lcols["model"])
    for i, r in enumerate(rows):
        assert lcols["layer_name"][i] == r["layer"]
        assert lcols["runtime_cycles"][i] == r["runtime_cycles"]
        assert lcols["energy_total"][i] == pytest.approx(r["energy_total"], rel=1e-12)
        assert lcols["total_l2_size_req"][i] == r["total_l2_size_req"]
    assert cols["latency_cycles"][0] == sum(r["runtime_cycles"] for r in rows)
    assert cols["max_l1_req"][0] == max(r["total_l1_size_req"] for r in rows)


def test_rule_parsing():
    assert parse_rule("") == {"DSCONV": "dpt", "GEMM": "gemm"}
    assert parse_rule("DSCONV=same, GEMM=gemm") == {"DSCONV": "same", "GEMM": "gemm"}
    with pytest.raises(ValueError):
        parse_rule("POOL=os")


def test_hwgrid(tmp_path):
    assert expand_values("noc_bw", {"logrange": [8, 512], "num": 4}) == [8, 32, 128, 512]
    assert expand_values("noc_bw", {"logrange": [10, 1000], "num": 3, "pow2": True}) == [8, 128, 1024]
    assert expand_values("simd_lanes", {"range": [1, 6, 2]}) == [1, 3, 5]
    (tmp_path / "g.yaml").write_text("num_pes: [64, 256]\nnoc_bw: {logrange: [8, 64], num: 2}\nl1_size: 512\n")
    grid = load_grid(tmp_path / "g.yaml")
    assert [(h.name, h.num_pes, h.noc_bw, h.l1_size) for h in grid] == [
        ("hw0", 64, 8, 512), ("hw1", 64, 64, 512), ("hw2", 256, 8, 512), ("hw3", 256, 64, 512)]
    assert grid[0].offchip_bw == HardwareSpec().offchip_bw
    for bad in ({"num_pe": [1]}, {"num_pes": [0]}, {"num_pes": {"logrange": [8]}}, {"num_pes": []},
                {"num_pes": 1.5}):
        with pytest.raises(GridError):
            load_grid(bad)
