"""``python -m maxcompute_privatelink`` is ``mcpl``."""

from maxcompute_privatelink.cli import main

main()
