"""``python -m terraform.standin``: what Terraform runs as terraform-provider-alicloud."""

from terraform.standin.server import serve

serve()
