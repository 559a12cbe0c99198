// Idmapped bind mounts (the idmap and ridmap options), and plain binds of sources the container's
// user namespace cannot reach (makePrivilegedBind). Idmapping needs privilege over the
// source filesystem, which the container's own user namespace does not have, and the kernel
// attaches a cloned mount tree only in the mount namespace it was cloned in. So when the child
// reaches such a mount it stops (SyncMsg.IdmapMount), and the parent starts a helper with the
// host's privileges that joins the child's mount namespace and makes the mount there
// (OpCode.IdmapBind), through a user namespace that carries the mount's mappings (or the
// container's, when the mount has none). The user namespaces are made before the child.

import { nodeFs } from '../sys/node-fs.js';
import { O_CLOEXEC, O_RDONLY } from '../sys/io.js';
import { ConfigError } from '../errors.js';
import { CLONE } from '../plan/linux-constants.js';
import { containerPath, hostSource, isIdmapped } from '../plan/mounts.js';
import { opName } from '../plan/op-names.js';
import { type Op, OpCode } from '../plan/ops.js';
import type { IdMapping, Mount, Spec } from '../spec/types.js';
import type { NativeAddon } from '../sys/native.js';
import { SyncMsg } from '../sys/sync.js';
import { writeIdMaps } from './id-maps.js';
import { idmapRefusalHint } from './idmap-refusal.js';

const EINVAL = 22;

/** Why an idmapped bind of source was refused, when the filesystem explains it. */
function refusalHint(source: string): string | undefined {
  try {
    return idmapRefusalHint(nodeFs().statfsSync(source).type, nodeFs().readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
  } catch {
    return undefined;
  }
}

export interface IdmappedMount {
  index: number;
  mount: Mount;
  /** fd of a user namespace holding the mappings */
  usernsFd: number;
}

/**
 * A user namespace fd with these maps: a throwaway child is cloned into a new user namespace,
 * parked waiting for a sync message, given the maps, and killed once the namespace is held.
 */
async function userNamespaceWith(addon: NativeAddon, uid: readonly IdMapping[], gid: readonly IdMapping[]): Promise<number> {
  const child = addon.spawn({ cloneFlags: CLONE.NEWUSER, cgroupFd: -1, ops: [{ code: OpCode.WaitSync, n: [SyncMsg.Go] }] });
  try {
    writeIdMaps(child.pid, uid, gid);
    return addon.open(`/proc/${child.pid}/ns/user`, O_RDONLY | O_CLOEXEC, 0);
  } finally {
    process.kill(child.pid, 'SIGKILL');
    await addon.waitPid(child.pid);
    addon.close(child.syncFd);
  }
}

/**
 * The idmap/ridmap mounts of `spec` in config order, each with its user namespace. The fds are
 * pushed to `fds`, which the caller closes at the end of create.
 */
export async function prepareIdmappedMounts(addon: NativeAddon, spec: Spec, fds: number[]): Promise<IdmappedMount[]> {
  const out: IdmappedMount[] = [];
  const byMaps = new Map<string, number>();
  for (const [index, mount] of (spec.mounts ?? []).entries()) {
    if (!isIdmapped(mount)) continue;
    const uid = mount.uidMappings ?? spec.linux?.uidMappings ?? [];
    const gid = mount.gidMappings ?? spec.linux?.gidMappings ?? [];
    if (uid.length === 0 || gid.length === 0) {
      throw new ConfigError(`/mounts/${index}`, "an idmapped mount needs uidMappings and gidMappings (its own or the container's)");
    }
    const key = JSON.stringify([uid, gid]);
    let usernsFd = byMaps.get(key);
    if (usernsFd === undefined) {
      try {
        usernsFd = await userNamespaceWith(addon, uid, gid);
      } catch (err) {
        throw new ConfigError(`/mounts/${index}`, `cannot make a user namespace with its mappings: ${(err as Error).message}`);
      }
      fds.push(usernsFd);
      byMaps.set(key, usernsFd);
    }
    out.push({ index, mount, usernsFd });
  }
  return out;
}

/** Makes one idmapped mount inside the mount namespace of `pid` (the child, before pivot_root). */
export function makeIdmappedMount(addon: NativeAddon, m: IdmappedMount, pid: number, bundle: string, rootfs: string): Promise<void> {
  return bindInChildMountNs(addon, m.index, m.mount, m.usernsFd, pid, bundle, rootfs);
}

/**
 * A bind whose source the container's user namespace cannot reach (SyncMsg.PrivilegedBind):
 * the helper, with the host's privileges, binds it into the child's mount namespace, as runc
 * does from the runtime's side. The child then applies the mount's flags itself.
 */
export function makePrivilegedBind(addon: NativeAddon, spec: Spec, index: number, pid: number, bundle: string, rootfs: string): Promise<void> {
  const mount = spec.mounts?.[index];
  if (!mount) throw new Error(`internal: the container process asked for a bind of mount ${index}, which the config does not have`);
  return bindInChildMountNs(addon, index, mount, -1, pid, bundle, rootfs);
}

/** usernsFd -1: a plain bind. */
async function bindInChildMountNs(
  addon: NativeAddon,
  index: number,
  mount: Mount,
  usernsFd: number,
  pid: number,
  bundle: string,
  rootfs: string,
): Promise<void> {
  const origin = `/mounts/${index}`;
  const m = { index, mount, usernsFd };
  const source = hostSource(m.mount, bundle);
  const options = m.mount.options ?? [];
  const mntFd = addon.open(`/proc/${pid}/ns/mnt`, O_RDONLY | O_CLOEXEC, 0);
  let isDir = true;
  try {
    isDir = nodeFs().statSync(source).isDirectory();
  } catch {
    // the helper reports the missing source
  }
  const ops: Op[] = [
    { code: OpCode.Setns, n: [mntFd, CLONE.NEWNS] },
    { code: OpCode.OpenRoot, s: [rootfs] },
    {
      code: OpCode.IdmapBind,
      n: [m.usernsFd, options.includes('rbind') ? 1 : 0, options.includes('ridmap') ? 1 : 0, isDir ? 1 : 2],
      s: [source, containerPath(m.mount.destination)],
    },
  ];
  const helper = addon.spawn({ cloneFlags: 0, cgroupFd: -1, ops });
  addon.close(mntFd);
  let msg;
  try {
    msg = addon.syncRecv(helper.syncFd, 10_000); // null: the helper finished without a word
  } finally {
    addon.close(helper.syncFd);
  }
  const status = await addon.waitPid(helper.pid);
  if (msg?.type === SyncMsg.Error) {
    const detail = msg.payload.toString('utf8').replace(/\0+$/, '');
    const code = ops[msg.step]?.code ?? OpCode.IdmapBind;
    const hint = code === OpCode.IdmapBind && msg.errno === EINVAL ? refusalHint(source) : undefined;
    throw new ConfigError(origin, `${opName(code)}${detail ? ` ${detail}` : ''}: ${addon.strerror(msg.errno)}${hint ? ` (${hint})` : ''}`);
  }
  if (status.code !== 0) throw new ConfigError(origin, `the helper making the bind failed (status ${status.code ?? status.signal})`);
}
