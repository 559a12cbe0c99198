// Interim: the seccomp compiler is not wired yet; refuse rather than run unconfined.

import { ConfigError } from '../errors.js';
import type { Seccomp } from '../spec/types.js';
import type { NativeAddon } from '../sys/native.js';

export function compileSeccompProgram(_seccomp: Seccomp, _addon: NativeAddon): { bpf: Buffer; flags: number; warnings: string[] } {
  throw new ConfigError('/linux/seccomp', 'seccomp is not supported yet');
}
