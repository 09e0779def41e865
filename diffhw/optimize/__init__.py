"""Accelerator co-design on the cost model: problems, exact baselines (grid, random, genetic), reports.

`Problem` / `Design` / `Evaluator` (problem.py) and `Budget` / `SearchResult` (search.py) are shared by every
search method; each method module has
`search(problem, budget_evals=None, budget_seconds=None, seed=0, progress=None) -> SearchResult`.
"""

from diffhw.optimize.baselines import METHODS, genetic, grid, random_search
from diffhw.optimize.problem import (DEFAULT_AREA_BUDGET, DEFAULT_BOUNDS, HW_PARAMS, OBJECTIVES, Design,
                                     Evaluator, Problem, discretize, evaluate_designs, repair, to_designs)
from diffhw.optimize.search import Budget, SearchError, SearchResult

__all__ = ["DEFAULT_AREA_BUDGET", "DEFAULT_BOUNDS", "HW_PARAMS", "OBJECTIVES", "Design", "Evaluator", "Problem",
           "discretize", "evaluate_designs", "repair", "to_designs", "METHODS", "Budget", "SearchError", "SearchResult", "genetic",
           "grid", "random_search"]
