#!/usr/bin/env bash
# Tests sandpit the way users get it: build, `npm pack`, install the tarball into each example
# project (plus the example's own devDependencies) and run that project's tests.
#   examples/run.sh [example...]      default: every examples/*/ with a package.json
#   SANDPIT_TGZ=file.tgz              use this tarball instead of building and packing
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -n "${SANDPIT_TGZ:-}" ]]; then
  tgz="$(cd "$(dirname "$SANDPIT_TGZ")" && pwd)/$(basename "$SANDPIT_TGZ")"
else
  (cd "$root" && npm run build >/dev/null)
  name="$(cd "$root" && npm pack --json --pack-destination "$work" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].filename)')"
  tgz="$work/$name"
fi

if [[ $# -eq 0 ]]; then
  set -- $(cd "$here" && for d in */package.json; do dirname "$d"; done)
fi
for example in "$@"; do
  echo "=== examples/$example"
  start=$SECONDS
  cd "$here/$example"
  # --no-save: package.json keeps pointing nowhere, so nothing here depends on a published version.
  npm install --no-save --no-package-lock --no-audit --no-fund --prefer-offline --loglevel=error "$tgz"
  npm test
  echo "=== examples/$example passed in $((SECONDS - start)) s"
done
