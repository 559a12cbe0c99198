// A check: one observable behaviour, verified against a real container. It passes by
// returning, fails by throwing (CheckFailure or anything else), skips by throwing CheckSkip.

import type { CheckContext } from './context.js';

export interface Check {
  /** Stable id used by the catalogue, --filter and the tables: "<area>.<behaviour>". */
  id: string;
  /** What the check verifies, in one line. */
  title: string;
  timeoutMs?: number;
  run(t: CheckContext): Promise<void>;
}

export function check(id: string, title: string, run: (t: CheckContext) => Promise<void>, opts: { timeoutMs?: number } = {}): Check {
  return { id, title, run, ...opts };
}

export type Status = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: Status;
  reason?: string;
  ms: number;
  /** Anything the check's cleanup could not undo. */
  leaks?: string[];
}
