"""The CDKTF app: synthesizes ./privatelink.yaml (what `cdktf synth` runs).

`cdktf synth` sets CDKTF_OUTDIR; run by hand, the output goes to cdktf.out/.
Same as `mcpl synth`, which is the command to use day to day; under cdktf-cli or
cdktn-cli it also keeps their clean-up of cdktf.out/stacks/ from failing or deleting
your folders (maxcompute_privatelink.launcher.cdktf_app).
"""

import sys
from pathlib import Path

# Runs from a checkout without an install too. constructs/ is a source root, not a
# package (see README): the import below is maxcompute_privatelink, never
# constructs.maxcompute_privatelink.
sys.path.insert(0, str(Path(__file__).resolve().parent / "constructs"))

from maxcompute_privatelink.launcher import cdktf_app

if __name__ == "__main__":
    cdktf_app()
