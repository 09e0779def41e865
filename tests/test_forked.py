"""Start-up (docs/startup.md): `diffhw.cli.forked.Forked`, a function's value computed in a forked child while
the parent imports JAX, or here when forking is unsafe (JAX imported) or the child fails; `heavy_imports`."""

import os
import subprocess
import sys
import textwrap

import jax  # noqa: F401 - this test process has JAX: Forked must not fork here
import pytest

from diffhw.cli.forked import Forked, can_fork


def test_no_fork_once_jax_is_imported():
    assert not can_fork()
    f = Forked(os.getpid)
    assert not f.forked
    assert f.result() == os.getpid()


def test_the_exception_of_the_function_reaches_the_caller():
    def bad():
        raise ValueError("no such file")

    with pytest.raises(ValueError, match="no such file"):
        Forked(bad).result()


SCRIPT = textwrap.dedent("""
    import os, sys
    from diffhw.cli.forked import Forked, can_fork
    parent = os.getpid()
    assert can_fork() == (len(os.sched_getaffinity(0)) >= 2)

    def where(tag):
        return (tag, "child" if os.getpid() != parent else "parent")

    def fails_in_child():
        if os.getpid() != parent:
            raise RuntimeError("child only")
        return "parent"

    def exits_in_child():
        if os.getpid() != parent:
            os._exit(3)
        return "parent"

    def unpicklable():
        return lambda: os.getpid()

    def always_fails():
        raise KeyError("missing")

    f = Forked(where, "a")
    print(f.forked, f.result(), Forked(fails_in_child).result(), Forked(exits_in_child).result(),
          callable(Forked(unpicklable).result()))
    try:
        Forked(always_fails).result()
    except KeyError as e:
        print("raised", e)
    real_fork, os.fork = os.fork, lambda: (_ for _ in ()).throw(OSError(11, "no more processes"))
    f = Forked(where, "b")
    os.fork = real_fork
    print(f.forked, f.result())
    print("jax" in sys.modules)
""")


def test_forks_before_jax_and_falls_back_to_the_parent():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout.split("\n")
    forked = len(os.sched_getaffinity(0)) >= 2
    assert out[0] == ("True ('a', 'child') parent parent True" if forked else "False ('a', 'parent') parent parent True")
    assert out[1] == "raised 'missing'"
    assert out[2] == "False ('b', 'parent')"  # a fork that fails: computed here
    assert out[3] == "False"  # Forked and the function imported no JAX


HEAVY = textwrap.dedent("""
    import gc, sys
    from diffhw.cli.common import heavy_imports
    with heavy_imports():
        inside = gc.isenabled()
        import jax
    frozen = gc.get_freeze_count()
    with heavy_imports():  # JAX imported: nothing changes
        again = gc.isenabled()
    print(inside, gc.isenabled(), frozen > 100_000, again, gc.get_freeze_count() == frozen)
""")


def test_heavy_imports_collect_nothing_and_freeze_what_they_made():
    out = subprocess.run([sys.executable, "-c", HEAVY], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "True", "True", "True"]
