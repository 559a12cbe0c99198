// Opt-in phase profile of the container commands (docs/performance.md, "Where run's time
// goes"). With BERTH_PROFILE set, `phase(name)` records when a phase ended; the CLI prints the
// marks to stderr at exit (src/cli/profile-report.ts). Without it, `phase` is one branch.
// BERTH_PROFILE=<epoch nanoseconds> (e.g. `BERTH_PROFILE=$(date +%s%N) berth run ...`) counts
// from that instant, so the executable's own start-up is included; any other value counts from
// the runtime's time origin, which is set after the executable is mapped.

import { io } from './sys/io.js';

const setting = process.env.BERTH_PROFILE;
const enabled = !!setting;
const marks: Array<[string, number, number, number]> = [];

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** CPU time (user + system) of this process so far, in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Minor page faults of this process so far (/proc/self/stat field 10): copy-on-write shows here. */
function minorFaults(): number {
  try {
    const stat = io().readFile('/proc/self/stat');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return 0;
  }
}

/** The instant the profile counts from, in epoch milliseconds. */
function originMs(): number {
  const ns = Number(setting);
  return Number.isFinite(ns) && ns > 1e15 ? ns / 1e6 : performance.timeOrigin;
}

export function profiling(): boolean {
  return enabled;
}

/** Marks the end of a phase. */
export function phase(name: string): void {
  if (enabled) marks.push([name, nowMs(), minorFaults(), cpuMs()]);
}

/**
 * One line per phase: ms since the origin, wall ms since the previous mark, CPU ms this process
 * spent meanwhile (all threads), minor page faults meanwhile, name.
 */
export function profileLines(): string[] {
  const origin = originMs();
  let prev = origin;
  let prevFaults = 0;
  let prevCpu = 0;
  return marks.map(([name, t, faults, cpu]) => {
    const line = `berth profile: ${(t - origin).toFixed(1).padStart(7)} ms  +${(t - prev).toFixed(1).padStart(6)}  cpu +${(cpu - prevCpu).toFixed(1).padStart(6)}  faults +${String(faults - prevFaults).padStart(5)}  ${name}`;
    prev = t;
    prevFaults = faults;
    prevCpu = cpu;
    return line;
  });
}
