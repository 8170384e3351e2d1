"""The jsii floor: an empty cdktf (or cdktn) app, one empty stack, synthesized by a process."""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from maxcompute_privatelink.construct.cdk import cdktf  # cdktf, or cdktn (MCPL_EMITTER)

app = cdktf.App(outdir=sys.argv[1])
cdktf.TerraformStack(app, "empty")
app.synth()
