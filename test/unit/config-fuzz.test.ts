// Fuzz, in process and without root: mutated config.json documents (test/helpers/config-fuzz.ts)
// go through what create does before it touches the host: parse, schema and semantic checks,
// the seccomp compilation (libseccomp through the addon), the cgroup resource writes on a fake
// v1 tree and the launch plan. Each must either pass or fail with a BerthError (for config.json
// a ConfigError naming the JSON path); a TypeError, RangeError or any other exception is a crash.
// BERTH_FUZZ_UNIT_COUNT documents (default 600); BERTH_FUZZ_SEED / BERTH_FUZZ_CASE replay one.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCgroupManager } from '../../src/cgroups/build.js';
import { BerthError, ConfigError } from '../../src/errors.js';
import { buildLaunchPlan } from '../../src/plan/build.js';
import { compileSeccompProgram } from '../../src/seccomp/index.js';
import { checkConfig, parseConfigText } from '../../src/spec/load.js';
import type { Spec } from '../../src/spec/types.js';
import { native } from '../../src/sys/addon.js';
import { describeCase, fuzzCases, fuzzSeed, fuzzSeeds, makeCase } from '../helpers/config-fuzz.js';
import { fakeCgroupFiles, fakeHost } from '../helpers/cgroups-fake-host.js';
import { planInput } from '../helpers/plan-input.js';

const quiet = { warn: () => undefined, attachDeviceProgram: () => undefined };

/** What create does with the document before the host is involved; throws what create would. */
export function throughCreateChecks(bytes: Buffer, cgroupHost: ReturnType<typeof fakeHost>): void {
  const { spec } = checkConfig(parseConfigText(bytes.toString('utf8')), { startable: false });
  const seccomp = spec.linux?.seccomp && spec.process?.args?.length ? compileSeccompProgram(spec.linux.seccomp, native()) : undefined;
  if (spec.linux?.resources || spec.linux?.devices) {
    const cg = buildCgroupManager({ id: 'fuzz', cgroupsPath: '/berth/fuzz', fsRoot: cgroupHost.fsRoot, files: fakeCgroupFiles() }, cgroupHost.proc);
    cg.create();
    try {
      cg.applyResources({ resources: spec.linux.resources, devices: spec.linux.devices }, quiet);
    } finally {
      cg.destroy();
    }
  }
  // create opens each namespace path first (a failure there names its JSON path): stand-in fds
  const namespaceFds = new Map<number, number>();
  (spec.linux?.namespaces ?? []).forEach((n, i) => n.path && namespaceFds.set(i, 100 + i));
  buildLaunchPlan(planInput(spec as Spec, { namespaceFds, seccomp: seccomp && { bpf: seccomp.bpf, flags: seccomp.flags } }));
}

/** undefined when `err` is a clear error; else why it is not. */
export function crashReason(err: unknown): string | undefined {
  if (!(err instanceof BerthError)) return `not a BerthError: ${err instanceof Error ? err.stack : String(err)}`;
  if (!err.message.trim()) return 'an empty message';
  if (err instanceof ConfigError && !/^config\.json \/\S*/.test(err.message)) return `a ConfigError without a JSON path: ${err.message}`;
  return undefined;
}

test('mutated config.json documents end in a clear error or a valid plan', () => {
  const runSeed = fuzzSeed();
  const cases = fuzzCases('BERTH_FUZZ_UNIT_COUNT', 600);
  const seeds = fuzzSeeds();
  const host = fakeHost('hybrid');
  const started = Date.now();
  let accepted = 0;
  const failures: string[] = [];
  try {
    for (const i of cases) {
      const c = makeCase(seeds, runSeed, i);
      const t0 = Date.now();
      if (process.env.BERTH_FUZZ_VERBOSE) console.log(describeCase(runSeed, i, c).slice(0, 300));
      try {
        throughCreateChecks(c.bytes, host);
        accepted++;
      } catch (err) {
        const why = crashReason(err);
        if (why) failures.push(`${describeCase(runSeed, i, c)}\n  ${why.split('\n').slice(0, 6).join('\n  ')}`);
      }
      if (process.env.BERTH_FUZZ_VERBOSE && Date.now() - t0 > 500) console.log(`  slow: ${Date.now() - t0} ms`);
      if (failures.length >= 5) break;
    }
  } finally {
    host.cleanup();
  }
  console.log(`config fuzz (unit): seed ${runSeed}, ${cases.length} documents, ${accepted} accepted, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(failures, [], failures.join('\n'));
});

test.run();
