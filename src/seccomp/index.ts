// linux.seccomp -> a BPF program for the plan's Seccomp op. The spec's names are mapped in
// filter.ts; libseccomp (through the addon) compiles the result once per create, in the parent,
// and the child only hands the bytes to seccomp(2). Syscalls this host's libseccomp does not
// know are skipped with a warning, as runc skips them: profiles list syscalls of newer kernels.

import { io } from '../sys/io.js';
import { BERTH_VERSION } from '../cli/version.js';
import { ConfigError } from '../errors.js';
import type { Seccomp } from '../spec/types.js';
import type { NativeAddon, SeccompCompileResult } from '../sys/native.js';
import { seccompCacheKey } from './cache-entry.js';
import { loadCachedProgram, storeCachedProgram } from './cache.js';
import { needsEnosysStub, withEnosysStub } from './enosys-stub.js';
import { seccompFilterInput, type SeccompFilterInput } from './filter.js';

export { ACTIONS, ARCHITECTURES, FLAGS, OPERATORS } from './names.js';
export { actionValue, seccompFilterInput } from './filter.js';

export interface SeccompProgram {
  /** sock_filter instructions, 8 bytes each */
  bpf: Buffer;
  /** seccomp(2) SECCOMP_FILTER_FLAG_* bits */
  flags: number;
  warnings: string[];
}

/** What the addon attaches to a compile error: which input entry it was about. */
interface CompileFailure {
  message: string;
  ruleIndex?: number;
  architectureIndex?: number;
}

function compileError(err: unknown, input: SeccompFilterInput): Error {
  // A TypeError means filter.ts handed the addon a malformed filter: a bug, not a config error.
  if (!(err instanceof Error) || err instanceof TypeError) return err as Error;
  const failure = err as CompileFailure;
  const detail = failure.message.replace(/^seccomp: /, '');
  if (typeof failure.ruleIndex === 'number' && input.rulePaths[failure.ruleIndex]) {
    return new ConfigError(input.rulePaths[failure.ruleIndex]!, detail);
  }
  if (typeof failure.architectureIndex === 'number') {
    return new ConfigError(`/linux/seccomp/architectures/${failure.architectureIndex}`, detail);
  }
  return new ConfigError('/linux/seccomp', detail);
}

/** Maps and compiles linux.seccomp; call it once per create. */
export function compileSeccompProgram(s: Seccomp, addon: Pick<NativeAddon, 'compileSeccomp'>): SeccompProgram {
  const input = seccompFilterInput(s);
  let result: SeccompCompileResult;
  try {
    result = addon.compileSeccomp(input.filter);
  } catch (err) {
    throw compileError(err, input);
  }
  const warnings = [...input.warnings];
  if (result.unknownSyscalls.length) {
    warnings.push(`/linux/seccomp/syscalls: skipped, not known to this host's libseccomp: ${result.unknownSyscalls.join(', ')}`);
  }
  const bpf = needsEnosysStub(input.filter.defaultAction) ? withEnosysStub(result.bpf, result.lastSyscalls) : result.bpf;
  return { bpf, flags: input.flags, warnings };
}

/**
 * berth's identity for the cache key: version, commit and the executable file itself (device,
 * inode, size, modification time), so a rebuilt or upgraded berth never reuses a program an
 * older one compiled, even at the same version and commit.
 */
function berthIdentity(): string {
  let exe = 'unknown';
  try {
    const [, , ino, dev, , , size, sec, nsec] = io().stat(process.execPath) as number[];
    exe = `${dev}:${ino}:${size}:${BigInt(sec!) * 1_000_000_000n + BigInt(nsec!)}`;
  } catch {
    // no identity: the commit and version still separate releases
  }
  return `${BERTH_VERSION}|${process.env.BERTH_COMMIT ?? ''}|${exe}`;
}

export interface CachedCompile {
  program: SeccompProgram;
  /** the program came from the cache under --root */
  fromCache: boolean;
  /** Keeps a freshly compiled program for the next create (create calls it once it succeeded). */
  persist(): void;
}

/**
 * compileSeccompProgram through the cache under `root` (cache.ts): a verified entry for the
 * same section, host, libseccomp and berth is used as it is; anything else is compiled.
 */
export function compileSeccompCached(s: Seccomp, addon: Pick<NativeAddon, 'compileSeccomp' | 'seccompVersion'>, root: string): CachedCompile {
  const key = seccompCacheKey(s, { arch: process.arch, libseccomp: addon.seccompVersion(), berth: berthIdentity() });
  const cached = loadCachedProgram(root, key);
  if (cached) return { program: cached, fromCache: true, persist: () => {} };
  const program = compileSeccompProgram(s, addon);
  return { program, fromCache: false, persist: () => storeCachedProgram(root, key, program) };
}
