#!/bin/sh
# `terraform` for the workflow at fleet scale (tests/terraform/test_fleet.py): what is
# tested with a thousand stacks is the workflow's shape under GitHub's limits, so this
# plays only what the workflow's scripts read, with shell builtins alone (milliseconds).
# Each stack's "state" is a file in $MCPL_TEST_BUCKET: absent, a plan creates the
# frontend endpoint (exit 2 with -detailed-exitcode); present, nothing changes. A plan
# file is the JSON `show -json` prints; applying it writes the state, and refuses a plan
# made before the state was written (Terraform's "Saved plan is stale").
set -eu
chdir=.
command=""
out=""
detailed=false
last=""
for argument in "$@"; do
  case "$argument" in
    -chdir=*) chdir="${argument#-chdir=}" ;;
    -out=*) out="${argument#-out=}" ;;
    -detailed-exitcode) detailed=true ;;
    -*) ;;
    *) if [ -z "$command" ]; then command="$argument"; fi; last="$argument" ;;
  esac
done
if [ ! -f "$chdir/cdk.tf.json" ] && [ ! -f "$chdir/cdk.tf" ]; then
  echo "Error: no stack in $chdir" >&2
  exit 1
fi
state="$MCPL_TEST_BUCKET/${chdir##*/}.tfstate"
case "$command" in
  init) echo "Terraform has been successfully initialized!" ;;
  plan)
    if [ -f "$state" ]; then
      echo '{"resource_changes": [], "prior": "applied"}' > "$out"
      echo "No changes."
      exit 0
    fi
    echo '{"resource_changes": [{"address": "alicloud_privatelink_vpc_endpoint.maxcompute_frontend", "type": "alicloud_privatelink_vpc_endpoint", "change": {"actions": ["create"]}}], "prior": "none"}' > "$out"
    echo "Plan: 1 to add, 0 to change, 0 to destroy."
    if [ "$detailed" = true ]; then exit 2; fi
    ;;
  show)
    while IFS= read -r line; do echo "$line"; done < "$last"
    ;;
  apply)
    IFS= read -r plan < "$last"
    case "$plan" in
      *'"prior": "none"'*) if [ -f "$state" ]; then echo "Error: Saved plan is stale" >&2; exit 1; fi ;;
    esac
    echo applied > "$state"
    echo "Apply complete!"
    ;;
  *) echo "fleet terraform: $command is not played" >&2; exit 1 ;;
esac
