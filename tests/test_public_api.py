"""The public API (`diffhw.__all__`): every name resolves, `import diffhw` imports no JAX, and the names are
the objects their modules define."""

import subprocess
import sys

import diffhw


def test_every_public_name_resolves_to_its_module_object():
    from diffhw.cost.model import layer_cost
    from diffhw.evaluate import evaluate
    from diffhw.numerics import Exact, Numerics, Relaxed

    assert sorted(diffhw.__all__) == sorted(set(diffhw.__all__))
    for name in diffhw.__all__:
        assert getattr(diffhw, name) is not None, name
    assert diffhw.layer_cost is layer_cost and diffhw.evaluate_layers is evaluate
    assert (diffhw.Exact, diffhw.Relaxed, diffhw.Numerics) == (Exact, Relaxed, Numerics)
    assert diffhw.evaluate.__name__ == "diffhw.evaluate" and diffhw.sweep.__name__ == "diffhw.sweep"


def test_import_is_light():
    code = "import sys, diffhw; print('jax' in sys.modules, diffhw.InputError.__name__, 'jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "InputError", "False"]


def test_unknown_name_is_an_attribute_error():
    try:
        diffhw.no_such_name
    except AttributeError as e:
        assert "no_such_name" in str(e)
    else:
        raise AssertionError("diffhw.no_such_name resolved")


def test_cli_help_imports_no_jax():
    """`diffhw --help` and each subcommand's --help build every parser without JAX (start-up stays light)."""
    code = ("import sys\nfrom diffhw.cli import main\nfor args in (['--help'], ['codesign', '--help'], "
            "['export', '--help'], ['cache', '--help']):\n    try:\n        main(args)\n    except SystemExit:\n"
            "        pass\nprint('jax' in sys.modules, file=sys.stderr)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.stderr.strip().splitlines()[-1] == "False", p.stderr


def test_the_core_imports_no_frontend_or_exporter():
    """DESIGN.md's layering: only the CLI and `diffhw/api.py` (which connect them to the core, as user code
    does) import `diffhw.frontends` / `diffhw.exporters`; every other module of `diffhw/` imports neither."""
    import ast
    from pathlib import Path

    root = Path(diffhw.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel == "api.py" or rel.startswith("cli/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), rel)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            if isinstance(node, ast.ImportFrom) and node.module == "diffhw":
                names += [f"diffhw.{a.name}" for a in node.names]
            offenders += [f"{rel}:{node.lineno} {n}" for n in names
                          if n.startswith(("diffhw.frontends", "diffhw.exporters"))]
    assert len(list(root.rglob("*.py"))) > 50 and offenders == [], offenders
