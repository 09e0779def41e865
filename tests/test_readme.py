"""The README's commands use inputs the repository ships (examples/, tests/data/); every command runs as written
with `python experiments/readme/check_commands.py` (a documented check: it runs co-design searches, minutes)."""

import glob
import runpy
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHECK = runpy.run_path(str(REPO / "experiments" / "readme" / "check_commands.py"))


def test_readme_commands_name_shipped_inputs():
    commands = CHECK["readme_commands"]((REPO / "README.md").read_text())
    assert len(commands) >= 20 and commands[0] == "diffhw codesign"  # the Quickstart's main job comes first
    for c in commands:
        for arg in CHECK["path_arguments"](c):
            assert glob.glob(str(REPO / arg.split("@")[0])), (c, arg)


def test_commands_are_found_in_shell_and_python_blocks():
    text = "```\npip install -e . && diffhw codesign  # comment\nls\n```\n```python\nprint(1)\n```\n"
    assert CHECK["readme_commands"](text) == ["diffhw codesign", "python -c 'print(1)'"]
