// Collects ops and, beside each one, the config.json location it came from, so a failing
// step can be reported in the user's terms.

import { OpCode, type LaunchPlan, type Op } from './ops.js';

export class PlanWriter {
  readonly ops: Op[] = [];
  readonly describe: string[] = [];

  add(origin: string, code: OpCode, n?: number[], s?: string[], b?: Uint8Array): this {
    const op: Op = { code };
    if (n && n.length) op.n = n;
    if (s && s.length) op.s = s;
    if (b) op.b = b;
    this.ops.push(op);
    this.describe.push(origin);
    return this;
  }

  finish(cloneFlags: number, cgroupFd: number): LaunchPlan {
    return { cloneFlags, cgroupFd, ops: this.ops, describe: this.describe };
  }
}
