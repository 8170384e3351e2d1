#!/bin/sh
# `gh` on the simulated runner's PATH: the two REST calls the workflow makes with it, as
# the GitHub CLI's `gh api PATH` makes them (it needs GH_TOKEN), served from the runner's
# artifacts (tests/terraform/actions.py: $MCPL_TEST_RUNS/artifacts.tsv, each artifact's
# id, run and name, and <run>/<name>.zip):
#   repos/OWNER/REPO/actions/runs/RUN/artifacts?name=NAME  (REST: list a run's artifacts)
#   repos/OWNER/REPO/actions/artifacts/ID/zip              (REST: download an artifact)
# Every call is counted in rest-calls.log beside $MCPL_TEST_RUNS; as GitHub does with the
# workflow's token, the 1,001st gets HTTP 403 (actions.MAX_REST_CALLS_PER_HOUR). Anything
# else is refused, so that the workflow cannot come to depend on what this does not play.
set -eu
if [ "$#" -ne 2 ] || [ "$1" != api ]; then
  echo "gh stand-in: 'gh $*' is not played (only: gh api PATH)" >&2
  exit 2
fi
if [ -z "${GH_TOKEN:-}" ]; then
  echo "gh: set the GH_TOKEN environment variable" >&2
  exit 4
fi
calls="$MCPL_TEST_RUNS/../rest-calls.log"
touch "$calls"
if [ "$(wc -l < "$calls")" -ge 1000 ]; then
  echo "gh: API rate limit exceeded for installation. (HTTP 403)" >&2
  exit 1
fi
echo "GET /$2" >> "$calls"
index="$MCPL_TEST_RUNS/artifacts.tsv"
touch "$index"
case "$2" in
  repos/*/*/actions/runs/*/artifacts\?name=*)
    run="${2#repos/*/*/actions/runs/}"
    run="${run%%/*}"
    name="${2#*\?name=}"
    found=$(awk -F '\t' -v run="$run" -v name="$name" '$2 == run && $3 == name { print $1 }' "$index")
    if [ -z "$found" ]; then
      echo '{"total_count": 0, "artifacts": []}'
    else
      echo "{\"total_count\": 1, \"artifacts\": [{\"id\": $found, \"name\": \"$name\", \"expired\": false}]}"
    fi
    ;;
  repos/*/*/actions/artifacts/*/zip)
    wanted="${2#repos/*/*/actions/artifacts/}"
    wanted="${wanted%/zip}"
    artifact=$(awk -F '\t' -v id="$wanted" '$1 == id { print $2 "/" $3 }' "$index")
    if [ -z "$artifact" ]; then
      echo "gh: Not Found (HTTP 404)" >&2
      exit 1
    fi
    cat "$MCPL_TEST_RUNS/$artifact.zip"
    ;;
  *)
    echo "gh stand-in: GET /$2 is not played" >&2
    exit 2
    ;;
esac
