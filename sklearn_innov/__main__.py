"""``python -m sklearn_innov`` runs the ``sklearn-innov`` command."""

import sys

from .cli import main

sys.exit(main())
