"""`CompileClock`: compiles and program loads inside the block are set apart from the search seconds."""

import time

import jax
import jax.numpy as jnp
from jax.experimental import serialize_executable as se

from diffhw.joint.timing import CompileClock


def test_compiles_and_loads_are_set_apart_and_the_loader_restored():
    load = se.deserialize_and_load
    payload = se.serialize(jax.jit(lambda x: jnp.cos(x) + 1).lower(jnp.ones(4)).compile())
    with CompileClock() as c:
        jax.jit(lambda x: jnp.sin(x) * 3).lower(jnp.ones(5)).compile()  # a compile
        program = se.deserialize_and_load(*payload)  # a program store's load
        time.sleep(0.2)  # search
    assert se.deserialize_and_load is load
    assert float(program(jnp.zeros(4))[0]) == 2.0
    assert 0 < c.compile_seconds < c.seconds
    assert 0.2 <= c.search_seconds <= c.seconds
    with CompileClock() as idle:
        time.sleep(0.05)
    assert idle.compile_seconds == 0 and idle.search_seconds >= 0.05
