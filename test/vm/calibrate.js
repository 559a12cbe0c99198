// How starved of CPU the VM suite's guest is: the same fixed loop is timed on the host (its CPU
// time, which neighbours' load hardly changes) and in the guest (wall time, which is what a
// test's time limit counts). Their ratio is what emulation costs (TCG_SLOWDOWN on a quiet
// machine) times how much less CPU qemu got than it wanted; that second factor scales the
// tests' time limits in the guest (BERTH_TEST_TIME_SCALE) and is logged for every plan item.
'use strict';

/**
 * guest wall / host CPU for this loop when qemu gets all the CPU it wants. JIT-compiled integer
 * work translates well under TCG, so it is small. Not measured on a quiet machine (there was
 * none while this was written): on the 2-core development machine at load average 22-24 the
 * guest read between 1.4x and 3.8x, so at most 1.4; 1.2 is taken. Too small a value only
 * lengthens limits on a quiet guest; too large a one would hide starvation.
 */
const TCG_SLOWDOWN = 1.2;

/** A fixed amount of integer work (about 55 ms of one core natively: long enough that
// the scheduler's wake-up credit to a thread that slept does not hide a lack of CPU); returns a checksum. */
function loop() {
  let x = 0x9e3779b9;
  for (let i = 0; i < 30_000_000; i++) x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) | 0;
  return x;
}

/**
 * The loop run `rounds` times, in ms: the median wall time (what the guest's tests live by) and
 * the least CPU time (the machine's speed when nothing gets in the way).
 */
function timeLoop(rounds = 5) {
  const walls = [];
  const cpus = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    loop();
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wallMs: median(walls), cpuMs: Math.min(...cpus) };
}

/** The starvation factor (1 when the guest got what it wanted), one decimal. */
function starvation(guestWallMs, hostCpuMs) {
  return Math.max(1, Math.ceil((guestWallMs / hostCpuMs / TCG_SLOWDOWN) * 10) / 10);
}

module.exports = { TCG_SLOWDOWN, timeLoop, starvation };
