#!/usr/bin/env bash
# Installs the JavaScript the tests use, from the committed lockfiles, when it is missing:
#
#   tests/support/          axe-core, injected into pages by the accessibility tests
#   tests/credentials/js/   Digital Bazaar's W3C VC libraries, the independent verifier
#
# and, needing no npm, the official Open Badges 3.0 JSON schema the schema test reads
# (tests/credentials/open_badges/install.sh says where it comes from).
#
# Without npm it prints one line and goes on: those tests skip locally (in CI they fail).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/credentials/open_badges/install.sh

if ! command -v npm >/dev/null 2>&1; then
    echo "js-deps: npm not found; the accessibility and interop tests will skip" >&2
    exit 0
fi
for folder in tests/support tests/credentials/js; do
    # npm ci leaves node_modules/.package-lock.json; newer than the lockfile means done.
    if [ ! "$folder/node_modules/.package-lock.json" -nt "$folder/package-lock.json" ]; then
        npm ci --prefix "$folder" --no-audit --no-fund --loglevel=error
    fi
done
