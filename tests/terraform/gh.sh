#!/bin/sh
# `gh` on the simulated runner's PATH: the one command the workflow runs,
# `gh run download RUN_ID --name NAME --dir DIR`, played from the runner's artifacts
# ($MCPL_TEST_RUNS/<run id>/<name>, tests/terraform/actions.py). As the GitHub CLI
# (manual: gh run download), it needs a token (GH_TOKEN) and a repository (GH_REPO),
# extracts the one named artifact into DIR, and fails with "no valid artifacts found to
# download" when the run kept no artifact of that name; anything else is refused, so
# that the workflow cannot come to depend on what this stand-in does not play.
set -eu
if [ "$#" -ne 7 ] || [ "$1" != run ] || [ "$2" != download ] || [ "$4" != --name ] || [ "$6" != --dir ]; then
  echo "gh stand-in: 'gh $*' is not played (only: gh run download RUN --name NAME --dir DIR)" >&2
  exit 2
fi
if [ -z "${GH_TOKEN:-}" ] || [ -z "${GH_REPO:-}" ]; then
  echo "gh: set the GH_TOKEN environment variable (and GH_REPO outside a clone)" >&2
  exit 4
fi
case "$3" in
  *[!0-9]*|"") echo "no valid artifacts found to download" >&2; exit 1 ;;
esac
source="$MCPL_TEST_RUNS/$3/$5"
if [ ! -d "$source" ]; then
  echo "no valid artifacts found to download" >&2
  exit 1
fi
mkdir -p "$7"
cp -R "$source/." "$7/"
