"""Synth: building the stacks with cdktf and writing them, JSON or HCL, into an output
folder that mcpl owns (ownership, carry-over of the user's files, the atomic swap, the
refusals that protect live state), ``check``, and the optional parallel path. Imports
the model and the constructs.
"""
