#!/bin/sh
# Installs what building and testing vox needs, only when something is missing (Debian 12).
set -e
pkgs="gcc make pkg-config libuv1-dev libjansson-dev libsqlite3-dev libssl-dev
libcmocka-dev libcurl4-openssl-dev libhttp-parser-dev libwslay-dev zlib1g-dev libsrtp2-dev libopus-dev clang-format nodejs curl wrk iproute2"
missing=""
for p in $pkgs; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
command -v node >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nodejs//')
if [ -n "$missing" ]; then
    echo "deps: installing$missing"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
        --no-install-recommends $missing
fi

# Chromium for the browser suite (tests/browser). Not fatal: without it that suite skips.
if ! command -v chromium >/dev/null 2>&1; then
    echo "deps: installing chromium (browser tests)"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    if ! { $SUDO apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
            --no-install-recommends chromium; }; then
        echo "deps: chromium could not be installed (see apt-get above); the browser tests will skip"
    fi
fi

# Node dev dependencies (ws, playwright-core) into ./node_modules from package-lock.json.
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
    echo "deps: installing npm"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
        --no-install-recommends npm
fi
if [ -f package-lock.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; }; then
    echo "deps: npm ci"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
    touch node_modules
fi
