"""``python -m maxcompute_privatelink`` is ``mcpl``."""

from maxcompute_privatelink.launcher import main

main()
