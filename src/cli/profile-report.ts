// Prints the phase profile (src/profile.ts) to stderr when the process exits, if BERTH_PROFILE
// is set. The container commands call `reportProfileAtExit` first thing.

import { io } from '../sys/io.js';
import { phase, profileLines, profiling } from '../profile.js';

let registered = false;

export function reportProfileAtExit(): void {
  if (!profiling() || registered) return;
  registered = true;
  phase('start-up done (command parsed)');
  process.on('exit', () => {
    phase('exit');
    io().write(2, profileLines().join('\n') + '\n');
  });
}
