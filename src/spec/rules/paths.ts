// Checks on the path strings of a config: absolute where the spec says so, no NUL byte (the
// kernel would cut the string there), and how a path reads inside the container.
// Validation runs once per command, so what counts is the first run: the common path here
// avoids regular expressions, which the JS engine compiles on first use.

import { normalizeContainerPath } from '../container-path.js';
import type { Findings } from './findings.js';

export const hasNul = (s: string) => s.includes('\0');

/** A NUL, a control character or a space (ASCII). */
export function hasSpaceOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) <= 0x20) return true;
  return false;
}

/** The UTF-8 length of s is above max (each UTF-16 unit takes at most 3 bytes). */
export function longerThanBytes(s: string, max: number): boolean {
  return s.length * 3 > max && Buffer.byteLength(s) > max;
}

/** A string that will reach a syscall: no NUL byte, which would silently cut it short. */
export function checkNoNul(f: Findings, at: string, s: string, what = 'the value'): void {
  if (hasNul(s)) f.fail(at, `${what} contains a NUL byte`);
}

/** An absolute path without NUL bytes. */
export function checkAbsolute(f: Findings, at: string, p: string, what = 'path'): void {
  checkNoNul(f, at, p, `the ${what}`);
  if (!p.startsWith('/')) f.fail(at, `the ${what} "${p}" must be absolute`);
}

/**
 * The path inside the container a destination names, read lexically from "/": "a/./b" and
 * "/a//b" are "/a/b". A ".." at / stays at /, as in runc (the runtime resolves every path
 * inside the rootfs anyway, so nothing can climb out); since the config most likely meant
 * something else, that gets a warning.
 */
export function containerPath(f: Findings, at: string, p: string): string {
  const { path: inside, clamped } = normalizeContainerPath(p);
  if (clamped) f.warn(at, `"${p}" climbs above the container's / with ".."; it is taken as "${inside}"`);
  return inside;
}

/** True when `inner` is `outer` or below it; both are clean absolute paths. */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer === '/' ? '/' : outer + '/');
}
