// The compiled-program cache's pure half: the key a seccomp section is cached under, and the
// entry format with its checks. No file access here (cache.ts does that), so the unit tests
// cover every way an entry can be refused.
//
// The key is a SHA-256 over everything the compiled program depends on: the linux.seccomp
// section as given, the host architecture, the libseccomp version (it resolves syscall names
// per architecture and lays out the program), and berth's own identity (version, commit and
// the executable file itself), so a berth upgrade or rebuild never reuses an older berth's
// program. The entry carries the key again and a SHA-256 over its contents: an entry that is
// truncated, edited, or stored under another entry's name is refused, and the section is then
// compiled afresh.

import type { Seccomp } from '../spec/types.js';
import type { SeccompProgram } from './index.js';

/** Bump when the entry's format or what the compile produces from the same inputs changes. */
export const CACHE_FORMAT = 1;
/** BPF_MAXINSNS: the kernel takes no longer classic BPF program, so no entry holds one. */
export const MAX_BPF_BYTES = 4096 * 8;
/** An entry above this is not one berth wrote (the program as base64 plus warnings). */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** SECCOMP_FILTER_FLAG_*: TSYNC, LOG, SPEC_ALLOW, NEW_LISTENER, TSYNC_ESRCH, WAIT_KILLABLE_RECV */
const KNOWN_FLAGS = 0x3f;

export interface CacheKeyFacts {
  /** process.arch */
  arch: string;
  /** the addon's seccompVersion() */
  libseccomp: string;
  /** berth's version, commit and executable identity */
  berth: string;
}

/** SHA-256 in hex: Bun's native hasher in the executable (node:crypto costs ~12 ms to load there). */
export function sha256Hex(text: string): string {
  const bun = (globalThis as { Bun?: { CryptoHasher: new (alg: string) => { update(s: string): { digest(enc: 'hex'): string } } } }).Bun;
  if (bun) return new bun.CryptoHasher('sha256').update(text).digest('hex');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text).digest('hex');
}

export function seccompCacheKey(section: Seccomp, facts: CacheKeyFacts): string {
  return sha256Hex(JSON.stringify([CACHE_FORMAT, facts.berth, facts.libseccomp, facts.arch, section]));
}

interface EntryDocument {
  format: number;
  key: string;
  flags: number;
  warnings: string[];
  bpf: string;
  sha256: string;
}

function checksum(key: string, flags: number, warnings: string[], bpf: string): string {
  return sha256Hex(JSON.stringify([CACHE_FORMAT, key, flags, warnings, bpf]));
}

export function encodeEntry(key: string, p: SeccompProgram): string {
  const bpf = p.bpf.toString('base64');
  const doc: EntryDocument = { format: CACHE_FORMAT, key, flags: p.flags, warnings: p.warnings, bpf, sha256: checksum(key, p.flags, p.warnings, bpf) };
  return JSON.stringify(doc);
}

/** The program an entry holds for `key`, or undefined when anything about it is off. */
export function decodeEntry(key: string, text: string): SeccompProgram | undefined {
  if (text.length > MAX_ENTRY_BYTES) return undefined;
  let doc: Partial<EntryDocument>;
  try {
    doc = JSON.parse(text) as Partial<EntryDocument>;
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object' || doc.format !== CACHE_FORMAT || doc.key !== key) return undefined;
  const { flags, warnings, bpf, sha256 } = doc;
  if (typeof flags !== 'number' || !Number.isInteger(flags) || flags < 0 || (flags & ~KNOWN_FLAGS) !== 0) return undefined;
  if (!Array.isArray(warnings) || !warnings.every((w) => typeof w === 'string')) return undefined;
  if (typeof bpf !== 'string' || typeof sha256 !== 'string') return undefined;
  if (checksum(key, flags, warnings, bpf) !== sha256) return undefined;
  const bytes = Buffer.from(bpf, 'base64');
  // base64 decoding skips what it cannot read: the bytes must encode back to the same text
  if (bytes.length === 0 || bytes.length % 8 !== 0 || bytes.length > MAX_BPF_BYTES || bytes.toString('base64') !== bpf) return undefined;
  return { bpf: bytes, flags, warnings: [...warnings] };
}
