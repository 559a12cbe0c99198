// Signal names and numbers for `kill`: "TERM", "SIGTERM", "sigterm" and "15" all work.

import os from 'node:os';
import { UsageError } from '../errors.js';

const BY_NAME = os.constants.signals as Record<string, number>;

export function parseSignal(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 64) return n;
    throw new UsageError(`invalid signal: ${text}`);
  }
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const n = BY_NAME[name];
  if (n === undefined) throw new UsageError(`invalid signal: ${text}`);
  return n;
}
