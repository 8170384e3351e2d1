"""Reading privatelink.yaml: files that cannot be a config at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from maxcompute_privatelink.errors import ConfigFileError, InvalidConfigError
from maxcompute_privatelink.model.config import PrivateLinkConfig, load_config
from maxcompute_privatelink.model.config_file import read_config_data

pytestmark = pytest.mark.releases


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty; it needs a top-level 'deployments:' list (`mcpl init` writes a starter)"),
        (
            "# only a comment\n",
            "is empty; it needs a top-level 'deployments:' list (`mcpl init` writes a starter)",
        ),
        (
            "deployments: [\n",
            "not valid YAML: line 2, column 1: did not find expected node content",
        ),
        (
            "- name: a\n",
            "the top level is a list; it must be a mapping with a 'deployments:' list "
            "(`mcpl init` writes a starter)",
        ),
        (
            "just text\n",
            "the top level is a str; it must be a mapping with a 'deployments:' list "
            "(`mcpl init` writes a starter)",
        ),
        (
            "deployments:\n  - name: a\n    region: cn-shenzhen\n    region: cn-beijing\n",
            "not valid YAML: line 4, column 5: duplicate key 'region', first on line 3; each key "
            "may appear once: keep one",
        ),
        (
            "deployments: !!python/object:os.system {}\n",
            "not valid YAML: line 1, column 14: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object:os.system'",
        ),
    ],
    ids=[
        "empty",
        "comment_only",
        "broken_yaml",
        "top_level_list",
        "top_level_str",
        "duplicate_key",
        "python_tag",
    ],
)
def test_fails_when_file_is_not_a_config(tmp_path: Path, content: str, message: str) -> None:
    # given
    path = tmp_path / "privatelink.yaml"
    path.write_text(content)
    # when / then
    with pytest.raises(ConfigFileError) as caught:
        read_config_data(path)
    assert str(caught.value) == f"{path}: {message}"


def test_fails_when_file_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigFileError) as caught:
        read_config_data(path)
    assert (
        str(caught.value)
        == f"{path}: no such file; pass --config PATH, or run `mcpl init` to write a starter"
    )


def test_fails_when_file_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"deployments: \xff\xfe\n")
    with pytest.raises(ConfigFileError, match="is not UTF-8 text"):
        read_config_data(path)


def test_fails_when_path_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="is a folder; pass the YAML file with --config"):
        read_config_data(tmp_path)


@pytest.mark.parametrize(
    "example",
    [ROOT / "privatelink.yaml", *sorted((ROOT / "examples").glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_bundled_configs_are_valid(example: Path) -> None:
    config = load_config(example)
    assert isinstance(config, PrivateLinkConfig)
    assert config.deployments


def test_fails_with_one_readable_line_per_problem(tmp_path: Path) -> None:
    # given
    path = tmp_path / "c.yaml"
    path.write_text("deployments:\n  - name: a\n    region: cn-mars\n    zones: []\n    oops: 1\n")
    # when
    with pytest.raises(InvalidConfigError) as caught:
        load_config(path)
    # then
    assert caught.value.lines == (
        "deployment 'a': region: 'cn-mars' is not a region with MaxCompute PrivateLink; "
        "supported: cn-hangzhou, cn-shanghai, cn-beijing, cn-zhangjiakou, cn-wulanchabu, "
        "cn-shenzhen, cn-chengdu, cn-hongkong, ap-southeast-1, ap-southeast-3, ap-southeast-5, "
        "ap-northeast-1, eu-central-1, us-west-1, us-east-1",
        "deployment 'a': zones: is empty; give at least 1 zone",
        "deployment 'a': oops: unknown key 'oops'; allowed keys: name, region, vpc_id, "
        "vpc_cidr, zones, security_group_ids, allowed_cidrs, allow_wide_public_cidrs, "
        "protocol, dns, ticket_approved, endpoint_urls, protect, adopt, resource_group_id, "
        "timeouts, private_zone, tags, client, renamed_from",
    )
