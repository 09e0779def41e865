"""An example package for the README's PyTorch-factory commands (`PYTHONPATH=examples`)."""
