"""A stand-in for the alicloud Terraform provider, speaking plugin protocol 5."""
