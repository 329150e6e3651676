#!/usr/bin/env bash
# Tests sandpit the way users get it: build, `npm pack`, install the tarball into each example
# project (plus the example's own devDependencies) and run that project's tests.
#   examples/run.sh [example...]      default: every examples/*/ with a package.json
#   SANDPIT_TGZ=file.tgz              use this tarball instead of building and packing
#   EXAMPLES_AT_ONCE=N                how many examples run side by side (default 2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

work="$(mktemp -d)"
# An ended or interrupted run takes its examples with it.
trap 'kill $(jobs -p) 2>/dev/null || true; wait; rm -rf "$work"' EXIT
if [[ -n "${SANDPIT_TGZ:-}" ]]; then
  tgz="$(cd "$(dirname "$SANDPIT_TGZ")" && pwd)/$(basename "$SANDPIT_TGZ")"
else
  (cd "$root" && npm run build >/dev/null)
  # --ignore-scripts: built just above; pack's `prepare` would build it all again.
  name="$(cd "$root" && npm pack --ignore-scripts --json --pack-destination "$work" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].filename)')"
  tgz="$work/$name"
fi

if [[ $# -eq 0 ]]; then
  set -- $(cd "$here" && for d in */package.json; do dirname "$d"; done)
fi

run_one() {
  local example=$1 start=$SECONDS
  cd "$here/$example"
  # --no-save: package.json keeps pointing nowhere, so nothing here depends on a published version.
  npm install --no-save --no-package-lock --no-audit --no-fund --prefer-offline --loglevel=error "$tgz"
  npm test
  echo "=== examples/$example passed in $((SECONDS - start)) s"
}

# Side by side, two at a time: most of an example's time is its npm install, which waits on the disk
# as much as on a core. Each one's output is kept apart and printed whole when it ends.
at_once=${EXAMPLES_AT_ONCE:-2}
failed=()
declare -A pids=()
report() {
  local example=$1 status=0
  wait "${pids[$example]}" || status=$?
  echo "=== examples/$example"
  cat "$work/$example.log"
  if (( status != 0 )); then failed+=("$example"); echo "=== examples/$example failed (exit $status)"; fi
}
queue=("$@")
running=()
for example in "${queue[@]}"; do
  run_one "$example" > "$work/$example.log" 2>&1 &
  pids[$example]=$!
  running+=("$example")
  if (( ${#running[@]} >= at_once )); then
    report "${running[0]}"
    running=("${running[@]:1}")
  fi
done
for example in "${running[@]}"; do report "$example"; done

if (( ${#failed[@]} > 0 )); then
  echo "examples failed: ${failed[*]}" >&2
  exit 1
fi
