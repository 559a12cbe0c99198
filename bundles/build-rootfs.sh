#!/usr/bin/env bash
# Builds a minimal busybox root filesystem from the host's busybox-static.
#   bundles/build-rootfs.sh DEST     (DEST is created; an existing DEST is rebuilt)
# Every example bundle and every test uses a rootfs made by this script.
set -euo pipefail
dest=${1:?usage: build-rootfs.sh DEST}
bb=${BUSYBOX:-/bin/busybox}
if ! file -L "$bb" 2>/dev/null | grep -q 'statically linked' && ! ldd "$bb" 2>&1 | grep -q 'not a dynamic'; then
  echo "build-rootfs: $bb is not a static busybox (apt-get install busybox-static)" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,etc,root,home,var,run}
chmod 1777 "$dest/tmp"
cp "$bb" "$dest/bin/busybox"
for applet in $("$bb" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$dest/bin/$applet"
done
cat > "$dest/etc/passwd" <<PW
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > "$dest/etc/group" <<GR
root:x:0:
nogroup:x:65534:
GR
echo berth > "$dest/etc/hostname"
