"""Accelerator co-design on the cost model: problems, exact baselines (grid, random, genetic), reports.

`Problem` / `Design` (problem.py), `Evaluator` (evaluator.py), `discretize` / `repair` (discretization.py) and
`Budget` / `SearchResult` (search.py) are shared by every search method; each method module has
`search(problem, budget_evals=None, budget_seconds=None, seed=0, progress=None) -> SearchResult`.
"""

from diffhw.lazy import lazy_getattr

#: public name -> the module of this package that defines it (resolved lazily: importing `diffhw.optimize`, e.g.
#: for `diffhw.optimize.defaults`, imports no JAX)
_EXPORTS = {
    **{n: "baselines" for n in ("METHODS", "genetic", "grid", "random_search")},
    **{n: "defaults" for n in ("DEFAULT_AREA_BUDGET", "DEFAULT_BOUNDS", "HW_PARAMS", "OBJECTIVES")},
    **{n: "problem" for n in ("Design", "Problem", "to_designs")},
    **{n: "evaluator" for n in ("Evaluator", "evaluate_designs")},
    **{n: "discretization" for n in ("discretize", "repair")},
    **{n: "search" for n in ("Budget", "SearchError", "SearchResult")},
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, {n: (f"diffhw.optimize.{m}", n) for n, m in _EXPORTS.items()})
