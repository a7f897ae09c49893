#!/bin/sh
# Installs what building and testing vox needs, only when something is missing (Debian 12).
set -e
pkgs="gcc make pkg-config libwebsockets-dev libuv1-dev libjansson-dev libsqlite3-dev libssl-dev
libcmocka-dev libcurl4-openssl-dev clang-format nodejs curl wrk"
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
