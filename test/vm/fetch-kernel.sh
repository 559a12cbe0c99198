#!/usr/bin/env bash
# Puts Debian 12's kernel (the package linux-image-amd64 depends on) into .cache/vm for the VM
# suite: vmlinuz and the modules tree, extracted from the .deb without installing it.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=${BERTH_VM_CACHE:-$PWD/.cache/vm}
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$pkg" ] || { echo "fetch-kernel: linux-image-amd64 names no kernel package" >&2; exit 1; }
if [ -f "$cache/package" ] && [ "$(cat "$cache/package")" = "$pkg" ]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1)
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
rm -rf "$cache"
mkdir -p "$cache"
cp "$tmp"/x/boot/vmlinuz-* "$cache/vmlinuz"
mv "$tmp"/x/lib/modules/*/kernel "$cache/modules"
echo "$pkg" > "$cache/package"
echo "fetch-kernel: $pkg in $cache"
