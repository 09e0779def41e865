"""Golden tests: diffhw's exact mode against the real MAESTRO, row by row.

dev.csv is MAESTRO's output on VGG16, MobileNetV2 and random layers; unseen.csv was made the same way on
ResNet-50, AlexNet and other random layers (a set the model was never tuned on)."""

import numpy as np
import pytest

from diffhw.results import FLOAT_OUTPUTS, INT_OUTPUTS
from diffhw.engine.batches import evaluate_arrays
from tests.reference import group_arrays, load_rows


def mismatches(rows):
    bad = []
    for program, layers, numbers, hw, rs in group_arrays(rows):
        out = {k: np.asarray(v) for k, v in evaluate_arrays(program, layers, numbers, hw).items()}
        for i, r in enumerate(rs):
            for k in INT_OUTPUTS:
                if int(out[k][i]) != int(r[k]):
                    bad.append((r["network"], r["layer"], r["dataflow"], r["hw"], k, int(out[k][i]), r[k]))
            for k in FLOAT_OUTPUTS:
                ref, got = float(r[k]), float(out[k][i])
                # MAESTRO prints 6 significant digits.
                if not np.isclose(got, ref, rtol=6e-6, atol=1e-12):
                    bad.append((r["network"], r["layer"], r["dataflow"], r["hw"], k, got, ref))
    return bad


@pytest.mark.parametrize("name", ["dev.csv", "unseen.csv"])
def test_matches_maestro_on_every_row(name):
    rows = load_rows(name)
    assert len(rows) > 4000
    bad = mismatches(rows)
    assert bad == [], f"{len(bad)} mismatches, first: {bad[:5]}"


def test_energy_total_exact_column():
    """energy_total equals the driver's exact recomputation (not only MAESTRO's 6 printed digits)."""
    rows = load_rows("dev.csv")[:200]
    for program, layers, numbers, hw, rs in group_arrays(rows):
        out = evaluate_arrays(program, layers, numbers, hw)
        ref = np.array([float(r["energy_total_exact"]) for r in rs])
        np.testing.assert_allclose(np.asarray(out["energy_total"]), ref, rtol=1e-9)
