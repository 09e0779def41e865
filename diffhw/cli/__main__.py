"""`python -m diffhw.cli ...` runs the `diffhw` command."""

import sys

from diffhw.cli import main

sys.exit(main())
