// Parses /proc/PID/mountinfo (proc(5)): one mount per line,
//   ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS

export interface MountEntry {
  id: number;
  parent: number;
  root: string;
  mountPoint: string;
  /** Per-mount options: ro/rw, nosuid, nodev, noexec, atime flags, nosymfollow. */
  options: string[];
  /** Propagation tags: shared:N, master:N, propagate_from:N, unbindable. */
  optional: string[];
  fsType: string;
  source: string;
  /** Superblock options: sync, dirsync, lazytime, size=, mode= and other fs data. */
  superOptions: string[];
}

/** Undoes the octal escapes (\040 for space, ...) the kernel puts in paths. */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || fields.length < dash + 3) continue;
    entries.push({
      id: Number(fields[0]),
      parent: Number(fields[1]),
      root: unescapeMountPath(fields[3]),
      mountPoint: unescapeMountPath(fields[4]),
      options: fields[5].split(','),
      optional: fields.slice(6, dash),
      fsType: fields[dash + 1],
      source: unescapeMountPath(fields[dash + 2]),
      superOptions: (fields[dash + 3] ?? '').split(',').filter(Boolean),
    });
  }
  return entries;
}

/** The mount that is visible at `mountPoint`: the last one listed there (mounts stack). */
export function topMountAt(entries: MountEntry[], mountPoint: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const e of entries) if (e.mountPoint === mountPoint) found = e;
  return found;
}

/** The propagation type a mount has, from its optional fields. */
export function propagationOf(e: MountEntry): 'shared' | 'slave' | 'shared+slave' | 'unbindable' | 'private' {
  const shared = e.optional.some((o) => o.startsWith('shared:'));
  const slave = e.optional.some((o) => o.startsWith('master:'));
  if (e.optional.includes('unbindable')) return 'unbindable';
  if (shared && slave) return 'shared+slave';
  if (shared) return 'shared';
  if (slave) return 'slave';
  return 'private';
}
