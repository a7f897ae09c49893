#!/bin/sh
# Browser suite: real headless Chromium (playwright-core, /usr/bin/chromium) against voxd, all
# inside a private network namespace that has only lo (docs: shared/notes/BROWSER-TESTS.md).
# Prints "browser: skipped: <reason>" and exits 0 when this machine cannot run it.
cd "$(dirname "$0")/../.."
skip() { echo "browser: skipped: $*"; exit 0; }

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ "$(id -u)" -eq 0 ] || skip "needs root for a private network namespace (unshare -n)"
command -v unshare >/dev/null 2>&1 || skip "unshare is missing (util-linux)"
command -v ip >/dev/null 2>&1 || skip "ip is missing (iproute2)"
[ -x "$CHROMIUM" ] || skip "$CHROMIUM is missing (make deps installs Debian's chromium)"
[ -d node_modules/playwright-core ] || skip "node_modules/playwright-core is missing (make deps runs npm ci)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
    skip "playwright-core needs Node.js 20 or newer (found $(node --version))"
unshare -n sh -c 'ip link set lo up' 2>/dev/null || skip "cannot create a network namespace here (unshare -n failed)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vox-browser-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/tmp" "$tmp/home" "$tmp/run" "$tmp/config" "$tmp/cache"
chmod 700 "$tmp/run"
export CHROMIUM VOX_BROWSER_TMP="$tmp"
export TMPDIR="$tmp/tmp" HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" \
    XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
unshare -n sh -c 'ip link set lo up && exec "$@"' run-in-netns \
    node --test tests/browser/
