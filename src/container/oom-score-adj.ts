// process.oomScoreAdj of a container in a user namespace, written by the parent (see
// BuiltPlan.oomScoreAdjByParent). Through a procfs root of berth's own, checked, never the
// /proc path, as every procfs write (docs/ARCHITECTURE.md, "Classes 6 and 8 in detail").

import { ConfigError } from '../errors.js';
import type { NativeAddon } from '../sys/native.js';

export function writeOomScoreAdj(addon: NativeAddon, pid: number, value: number): void {
  try {
    addon.writeProcfs(`${pid}/oom_score_adj`, String(value));
  } catch (err) {
    throw new ConfigError('/process/oomScoreAdj', (err as Error).message);
  }
}
