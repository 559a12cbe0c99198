// Why the kernel may refuse an idmapped bind with EINVAL: the source's filesystem does not
// allow idmapped mounts (FS_ALLOW_IDMAP), on this kernel at least. tmpfs gained it in Linux 6.3,
// so on Debian 12's 6.1 a source under /tmp or /run (tmpfs there) is refused. Pure: the caller
// gives the statfs type and the kernel release.

const TMPFS_MAGIC = 0x01021994;
const NAMES: Record<number, string> = {
  [TMPFS_MAGIC]: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x01021997: '9p',
  0x6969: 'nfs',
  0x65735546: 'fuse',
};

/** The sentence to add to "idmapped bind SRC: Invalid argument", or undefined when no reason is known. */
export function idmapRefusalHint(fsType: number, release: string): string | undefined {
  const name = NAMES[fsType] ?? `filesystem type 0x${fsType.toString(16)}`;
  const m = /^(\d+)\.(\d+)/.exec(release);
  const before63 = m !== null && (Number(m[1]) < 6 || (Number(m[1]) === 6 && Number(m[2]) < 3));
  if (fsType === TMPFS_MAGIC) {
    return before63 ? `the source is on tmpfs, which allows idmapped mounts from Linux 6.3 on; this kernel is ${release}` : undefined;
  }
  return `the source is on ${name}, which may not allow idmapped mounts on this kernel (${release})`;
}
