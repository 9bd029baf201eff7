"""`python -m hwgen` is the same as the `hwgen` console script."""

from hwgen.cli import main

raise SystemExit(main())
