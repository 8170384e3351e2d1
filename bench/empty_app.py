"""The jsii floor: an empty cdktf app (one empty stack) synthesized by a whole process."""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import cdktf

app = cdktf.App(outdir=sys.argv[1])
cdktf.TerraformStack(app, "empty")
app.synth()
