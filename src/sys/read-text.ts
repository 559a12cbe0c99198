// Reading a kernel or state file that may be absent: the one implementation behind the host
// probe (src/host/probe.ts) and the cgroup drivers (src/cgroups/resources/files.ts). It lives
// here, not in src/host, because the cgroup code is in the first entry point and src/host is
// not (test/unit/startup-graph.test.ts).

import fs from 'node:fs';

/** The file's text, or undefined when it cannot be read (absent, gone, not permitted). */
export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
