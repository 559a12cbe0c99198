// A container without a mount namespace of its own shares the runtime's mount table: its
// rootfs bind and every mount made on top of it are host mounts. Detaching that one bind
// takes them all back, so create (on failure) and delete leave the host as it was.
//
// Which mount is ours is told by mount id: the id under the rootfs is recorded before the
// child runs, and only a different topmost mount there, the bind, is detached. A rootfs that
// is itself a mount point (containerd's overlay) is never touched.

import { io } from '../sys/io.js';
import type { NativeAddon } from '../sys/native.js';

const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;

/** The id of the topmost mount at `dir` (mnt_id in /proc/self/fdinfo). */
export function mountIdAt(addon: NativeAddon, dir: string): number {
  const fd = addon.open(dir, O_PATH | O_CLOEXEC, 0);
  try {
    const m = /^mnt_id:\s*(\d+)$/m.exec(io().readFile(`/proc/self/fdinfo/${fd}`));
    if (!m) throw new Error(`no mnt_id in /proc/self/fdinfo/${fd}`);
    return Number(m[1]);
  } finally {
    addon.close(fd);
  }
}

/** Detaches the container's rootfs bind if it is still there above the mount recorded at create. */
export function detachRootfsBind(addon: NativeAddon, rootfs: string, mountIdBelow: number): void {
  let top: number;
  try {
    top = mountIdAt(addon, rootfs);
  } catch {
    return; // the rootfs is gone: nothing of ours can be mounted there
  }
  if (top !== mountIdBelow) addon.detachMount(rootfs);
}
