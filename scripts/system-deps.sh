#!/usr/bin/env bash
# Installs the Debian packages Meritkompis and its tests need, when they are missing.
#
#   postgresql                  server binaries; the tests start a throw-away cluster themselves
#   chromium                    Debian's browser, driven by Playwright (never `playwright install`)
#   fonts-noto-color-emoji fonts-noto-core fonts-dejavu-core   for the picture cards
#   espeak-ng                   optional read-aloud
#   libatomic1                  needed by the Node.js that the Playwright wheel bundles
#
# As root with apt-get: runs `apt-get update` once and installs what is missing. Otherwise it
# prints one line naming what to install and goes on: tests that need it skip locally (in CI,
# which runs as root, they fail instead). Quick when everything is there.
set -euo pipefail

PACKAGES=(
    postgresql chromium fonts-noto-color-emoji fonts-noto-core fonts-dejavu-core espeak-ng
    libatomic1
)

# Installed according to dpkg ("installed", not merely "config-files").
dpkg_installed() {
    command -v dpkg-query >/dev/null 2>&1 &&
        [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

have_font() {
    command -v fc-list >/dev/null 2>&1 && fc-list : family | grep -qi -- "$1"
}

# What the project uses of a package is there (also on machines where dpkg does not know it).
provided() {
    case "$1" in
        postgresql)
            compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1
            ;;
        chromium)
            [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 ||
                command -v chromium-browser >/dev/null 2>&1
            ;;
        espeak-ng) command -v espeak-ng >/dev/null 2>&1 ;;
        libatomic1) /sbin/ldconfig -p 2>/dev/null | grep -q 'libatomic\.so\.1' ;;
        fonts-noto-color-emoji) have_font 'Noto Color Emoji' ;;
        fonts-noto-core) have_font 'Noto Sans' ;;
        fonts-dejavu-core) have_font 'DejaVu Sans' ;;
        *) return 1 ;;
    esac
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg_installed "$pkg" && ! provided "$pkg"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "system-deps: all present (${PACKAGES[*]})"
    exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: NOTE: missing ${missing[*]}; install them (as root: apt-get install" \
        "${missing[*]}) or the tests that need them will skip here (and fail in CI)"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Another apt/dpkg run may hold the lock: wait for it rather than failing at once.
APT=(apt-get -q -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

echo "system-deps: installing ${missing[*]}"
started=$SECONDS
for attempt in 1 2 3 4 5 6; do
    if "${APT[@]}" update >/tmp/meritkompis-apt-update.log 2>&1; then
        break
    fi
    if [ "$attempt" -eq 6 ]; then
        cat /tmp/meritkompis-apt-update.log >&2
        echo "system-deps: apt-get update failed" >&2
        exit 1
    fi
    echo "system-deps: apt-get update failed (lock held?), retrying in 10 s"
    sleep 10
done
"${APT[@]}" install -y --no-install-recommends "${missing[@]}"

still_missing=()
for pkg in "${missing[@]}"; do
    if ! dpkg_installed "$pkg" && ! provided "$pkg"; then
        still_missing+=("$pkg")
    fi
done
if [ "${#still_missing[@]}" -ne 0 ]; then
    echo "system-deps: still missing after install: ${still_missing[*]}" >&2
    exit 1
fi
echo "system-deps: installed ${missing[*]} in $((SECONDS - started)) s"
