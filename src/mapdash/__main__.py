"""`python -m mapdash`: the same as the `mapdash` command."""

import sys

from mapdash.cli import main

sys.exit(main())
