// The tests' time limits are made for a real machine. BERTH_TEST_TIME_SCALE (a number, at least
// 1) lengthens them all: the VM suite sets it in its emulated guest from the starvation it
// measures before each item (test/vm/calibrate.js), so a guest that gets a fraction of a core
// still finishes what it would finish on a quiet machine.

/** `ms` times BERTH_TEST_TIME_SCALE (1 when unset or not a number of at least 1). */
export function scaledMs(ms: number, env: NodeJS.ProcessEnv = process.env): number {
  const scale = Number(env.BERTH_TEST_TIME_SCALE);
  return Number.isFinite(scale) && scale > 1 ? Math.ceil(ms * scale) : ms;
}
