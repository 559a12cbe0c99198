// Where `berth check` gets its answers: a HostProbe reads files and asks the kernel, and
// changes nothing. The live probe reads the real host; unit tests describe other hosts with a
// fake one (test/helpers/check-fake-host.ts).

import { nodeFs } from '../sys/node-fs.js';
import * as path from '../sys/posix-path.js';
import { DEFAULT_CGROUP_ROOT, detectLayout, hostProc, type HostLayout } from '../cgroups/detect.js';
import { native } from '../sys/addon.js';
import { readIfExists } from '../sys/io.js';
import type { KernelProbe } from '../sys/native.js';

export interface HostProbe {
  /** a file's text, or undefined when it cannot be read */
  read(file: string): string | undefined;
  exists(file: string): boolean;
  /** whether this process may create entries in dir (access W_OK: a read-only mount says no) */
  writable(dir: string): boolean;
  /** the errno of one harmless kernel call (native/src/probe.cc), 0 for success */
  kernel(name: KernelProbe): number;
  /** the cgroup layout, by the same detection the cgroup drivers use */
  cgroupLayout(): HostLayout | undefined;
  /** the absolute path of an executable found in PATH, or undefined */
  which(program: string): string | undefined;
  euid(): number;
}

export function liveHost(): HostProbe {
  return {
    read: readIfExists,
    exists: (file) => nodeFs().existsSync(file),
    writable(dir) {
      try {
        nodeFs().accessSync(dir, nodeFs().constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
    kernel: (name) => native().probeKernel(name),
    cgroupLayout: () => detectLayout(DEFAULT_CGROUP_ROOT, hostProc),
    which(program) {
      for (const dir of (process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
        if (!dir) continue;
        const file = path.join(dir, program);
        try {
          nodeFs().accessSync(file, nodeFs().constants.X_OK);
          if (nodeFs().statSync(file).isFile()) return file;
        } catch {
          // not here
        }
      }
      return undefined;
    },
    euid: () => process.geteuid?.() ?? -1,
  };
}
