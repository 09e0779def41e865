"""diffhw: a differentiable, batched MAESTRO cost model in JAX."""
