"""`CompileClock`: compiles and program loads inside the block are set apart from the search seconds."""

import time

import jax
import jax.numpy as jnp

from diffhw.engine import jit as programs
from diffhw.joint.timing import CompileClock


def test_compiles_and_loads_are_set_apart():
    lower = lambda: jax.jit(lambda x: jnp.cos(x) + 1).lower(jnp.ones(4))  # noqa: E731
    assert programs.store() is not None  # conftest's session cache root
    programs.compiled("timing_test", "cos+1 [4]", lower)  # built and stored
    programs.forget()
    with CompileClock() as c:
        jax.jit(lambda x: jnp.sin(x) * 3).lower(jnp.ones(5)).compile()  # a compile
        program = programs.compiled("timing_test", "cos+1 [4]")  # a program store's load
        time.sleep(0.2)  # search
    assert float(program(jnp.zeros(4))[0]) == 2.0
    assert 0 < c.compile_seconds < c.seconds
    assert 0.2 <= c.search_seconds <= c.seconds
    with CompileClock() as idle:
        time.sleep(0.05)
    assert idle.compile_seconds == 0 and idle.search_seconds >= 0.05
