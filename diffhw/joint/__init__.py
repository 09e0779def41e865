"""Joint network x accelerator search by gradient, with real measured accuracy.

* `data`: scikit-learn's digits with one fixed train / validation / test split;
* `supernet`: an MBConv search space (given as an argument, e.g. the NAS frontend's digits space) as a flax
  supernet and plain networks;
* `hardware`: `ExpectedCost`, the relaxed expected latency / energy / buffer needs of a relaxed architecture
  on a relaxed accelerator (the one cost model, `Relaxed` numerics);
* `search`: `JointSearch`, the optax loop over weights, architecture logits and accelerator, then the argmax
  network and the exact hardware refinement;
* `train`: `fit`, training an architecture from scratch over several seeds;
* `baselines`: decoupled, semi-decoupled (tinyML'22) and random co-design on the same space and model;
* `front`: Pareto fronts and hypervolume.
"""

from diffhw.joint.data import digits
from diffhw.joint.hardware import ExpectedCost
from diffhw.joint.search import JointResult, JointSearch, SearchConfig
from diffhw.joint.train import fit

__all__ = ["digits", "ExpectedCost", "JointSearch", "JointResult", "SearchConfig", "fit"]
