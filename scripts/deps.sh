#!/bin/sh
# Installs what building and testing vox needs, only when something is missing (Debian 12).
set -e
pkgs="gcc make pkg-config libuv1-dev libjansson-dev libsqlite3-dev libssl-dev
libcmocka-dev libcurl4-openssl-dev libhttp-parser-dev libwslay-dev zlib1g-dev libsrtp2-dev libnss3-dev libopus-dev clang-format nodejs curl wrk iproute2"
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

# libsrtp2 on OpenSSL. Debian builds its libsrtp2 on NSS, whose per-packet key lookup slows as
# SRTP sessions grow (docs/PERFORMANCE.md, "The media plane"): protecting one packet costs
# 1.5 us with 2,000 peers and 0.5 us on OpenSSL. So the same release Debian ships is built
# here from Debian's own source archive (checksum checked) with --enable-openssl, into
# .deps/srtp, and the Makefile links it when it is there. Not fatal: without it voxd links
# Debian's libsrtp2 and works, only slower at a thousand peers.
SRTP_VERSION=2.5.0
SRTP_SHA256=8a43ef8e9ae2b665292591af62aa1a4ae41e468b6d98d8258f91478735da4e09
SRTP_URL="http://deb.debian.org/debian/pool/main/libs/libsrtp2/libsrtp2_$SRTP_VERSION.orig.tar.gz"
if [ ! -f .deps/srtp/lib/libsrtp2.a ]; then
    echo "deps: building libsrtp2 $SRTP_VERSION on OpenSSL into .deps/srtp"
    work=$(mktemp -d)
    if curl -sfL --max-time 120 -o "$work/srtp.tar.gz" "$SRTP_URL" &&
        echo "$SRTP_SHA256  $work/srtp.tar.gz" | sha256sum -c --status &&
        tar -xzf "$work/srtp.tar.gz" -C "$work" &&
        (cd "$work/libsrtp-$SRTP_VERSION" &&
            ./configure --enable-openssl --disable-pcap --prefix="$PWD/../inst" \
                CFLAGS="-O2 -fPIC" >../build.log 2>&1 &&
            make -j2 libsrtp2.a >>../build.log 2>&1 && make install >>../build.log 2>&1); then
        mkdir -p .deps
        rm -rf .deps/srtp
        mv "$work/inst" .deps/srtp
    else
        echo "deps: libsrtp2 on OpenSSL could not be built (see above or $work/build.log);" \
            "linking Debian's libsrtp2 (NSS)"
    fi
    if [ -d .deps/srtp ]; then rm -rf "$work"; fi
fi
