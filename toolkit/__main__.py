"""``python -m toolkit``: the same as the ``appellate`` command."""

import sys

from toolkit.cli import main

sys.exit(main())
