"""`python -m diffhw.cli ...` runs the `diffhw` command."""

from diffhw.cli import entry

entry()
