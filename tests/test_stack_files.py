"""Reading what synth wrote, JSON or HCL: outputs, protected resources, state paths."""

from __future__ import annotations

from pathlib import Path

from maxcompute_privatelink.layout import read_outputs, read_stack

HCL = """terraform {
  required_version = ">= 1.5.0"
  backend "local" {
    path = "../../../terraform.s.tfstate"
  }
}
resource "alicloud_privatelink_vpc_endpoint" "maxcompute_frontend" {
  vpc_id = "vpc-1"
  lifecycle {
    prevent_destroy = true
  }
}
resource "alicloud_vpc" "maxcompute_vpc" {
  cidr_block = "10.0.0.0/8"
}
output "maxcompute_endpoint" {
  value       = "https://a.example/api"
  description = "URL"
}
output "escaped" {
  value = "a$${b}%%{c}\\"q\\" \\\\"
}
output "frontend_endpoint_id" {
  value       = alicloud_privatelink_vpc_endpoint.maxcompute_frontend.id
  description = "ID"
}
"""


def test_reads_an_hcl_stack_as_terraform_would(tmp_path: Path) -> None:
    # given
    (tmp_path / "cdk.tf").write_text(HCL)
    # when
    found = read_outputs(tmp_path)
    record = read_stack(tmp_path)
    # then: literal values unescaped, expressions unknown
    assert found == (
        tmp_path / "cdk.tf",
        {
            "maxcompute_endpoint": "https://a.example/api",
            "escaped": 'a${b}%{c}"q" \\',
            "frontend_endpoint_id": None,
        },
    )
    assert record is not None
    assert record.protected == {"alicloud_privatelink_vpc_endpoint.maxcompute_frontend"}
    assert record.addresses == {
        "alicloud_privatelink_vpc_endpoint.maxcompute_frontend",
        "alicloud_vpc.maxcompute_vpc",
    }
    assert record.local_state == "../../../terraform.s.tfstate"


def test_a_folder_without_a_stack_file_has_no_outputs(tmp_path: Path) -> None:
    assert read_outputs(tmp_path) is None
    assert read_stack(tmp_path) is None
