#!/usr/bin/env bash
# Installs everything berth needs on a fresh Debian 12 machine (as root), builds
# dist/berth, and builds the example bundle's rootfs from the host's busybox-static.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# build: g++/make/python3 for the addon (g++ brings libstdc++.a, linked into berth.node);
# libc6-dev's libc.a for the static executor the addon embeds (native/src/executor.c);
# libseccomp-dev for seccomp (its libseccomp.a is linked into berth.node, so running berth
# needs no libseccomp2); busybox-static for rootfs images; runc/crun only to compare against
# (bench/, conformance/).
apt-get install -y -qq --no-install-recommends \
  g++ make python3 libc6-dev libseccomp-dev busybox-static file iproute2 runc crun >/dev/null
# The engine suite (test/engines) drives berth through containerd, Docker and podman. The
# tests start containerd and dockerd themselves, so the packages' services must not start
# here: a policy-rc.d refuses them during the install (only if the machine has none).
# Without recommends podman gets conmon, runc/crun and containernetworking-plugins: enough
# for rootful containers with --network none (no slirp4netns, netavark or uidmap needed).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends containerd docker.io podman >/dev/null
# The VM suite (test/vm) boots Debian 12's kernel under qemu with pure cgroup v2: qemu, and the
# kernel package extracted into .cache/vm (not installed).
apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
test/vm/fetch-kernel.sh || echo 'setup: no Debian 12 kernel for the VM suite (it will skip)'
npm ci --no-audit --no-fund
npm run --silent build
bundles/build-rootfs.sh bundles/hello/rootfs
echo "setup done: try  dist/berth run --bundle bundles/hello hello"
