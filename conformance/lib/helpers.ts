// Builds the suite's C helpers (conformance/helpers/*.c) as static binaries with gcc, once,
// into build/conformance/bin, rebuilding only when a source is newer than its binary.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const HELPER_NAMES = ['probe', 'hook', 'nshold', 'hostmnt', 'fdrecv', 'netdev', 'crun-ns', 'sysprobe'] as const;
export type HelperName = (typeof HELPER_NAMES)[number];
export type HelperPaths = Record<HelperName, string>;

export async function buildHelpers(sourceDir: string, binDir: string): Promise<HelperPaths> {
  fs.mkdirSync(binDir, { recursive: true });
  const out = {} as HelperPaths;
  await Promise.all(
    HELPER_NAMES.map(async (name) => {
      const src = path.join(sourceDir, `${name}.c`);
      const bin = path.join(binDir, name);
      out[name] = bin;
      const fresh = fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= fs.statSync(src).mtimeMs;
      if (fresh) return;
      const tmp = `${bin}.${process.pid}.tmp`;
      try {
        await execFileP('gcc', ['-static', '-O2', '-Wall', '-o', tmp, src]);
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`gcc -static ${name}.c failed: ${(e.stderr || e.message).trim()}`);
      }
      fs.renameSync(tmp, bin);
    }),
  );
  return out;
}
