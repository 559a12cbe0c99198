// Fuzz through the real command: mutated config.json documents (test/helpers/config-fuzz.ts)
// handed to `dist/berth create`. Each must end in a clear error (non-zero exit, a message, no
// JavaScript error or stack trace, no signal) or a working container, which is then started,
// killed and deleted; never a hang (a timeout bounds each command). After every document the
// host is checked: nothing under the root (state directory, exec fifo), no cgroup, no mount of
// the bundle or rootfs, no process. The seeds are adjusted to this machine (own rootfs, bind
// sources that exist, no hooks, no terminal) and a few parts are left alone because a berth bug
// there would change the shared host itself rather than fail the test: hooks (they run host
// programs), sysctls, the namespace list (without a mount namespace mounts land on the host),
// root.path and cgroupsPath (leaks are looked for under a per-run cgroup parent). The unit
// fuzz (test/unit/config-fuzz.test.ts) mutates those too.
// BERTH_FUZZ_INTEGRATION_COUNT documents (default 60); BERTH_FUZZ_SEED / BERTH_FUZZ_CASE replay one.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, hostMounts, repoRoot } from '../helpers/berth.js';
import { describeCase, fuzzCases, fuzzSeed, fuzzSeeds, makeCase, type FuzzSeed } from '../helpers/config-fuzz.js';
import { CACHE_DIR } from '../../src/seccomp/cache.js';

const KEPT = ['/hooks', '/linux/sysctl', '/linux/namespaces', '/root', '/linux/cgroupsPath', '/process/terminal'];
const keep = (p: string) => KEPT.some((k) => p === k || p.startsWith(k + '/'));

// What a failure must not look like: the JavaScript engine's words, not berth's.
const CRASH = /\n\s+at |TypeError|RangeError|ReferenceError|SyntaxError|Maximum call stack|Cannot read propert|is not a function|is not iterable|Segmentation|Aborted|core dumped/;

function seedsForThisHost(rootfs: string, hostFile: string, hostDir: string, cgroupParent: string): FuzzSeed[] {
  return fuzzSeeds().map((s) => {
    const doc = structuredClone(s.doc) as Record<string, any>;
    doc.root = { path: rootfs, readonly: false };
    delete doc.hooks;
    doc.process.terminal = false;
    doc.process.args = ['sleep', '30'];
    doc.linux.cgroupsPath = `${cgroupParent}/c`;
    doc.linux.namespaces = (doc.linux.namespaces as { type: string; path?: string }[]).filter((n) => !n.path && n.type !== 'user');
    delete doc.linux.uidMappings;
    delete doc.linux.gidMappings;
    for (const m of doc.mounts ?? []) {
      if (m.type === 'bind' && !fs.existsSync(m.source)) m.source = m.destination === '/dev/shm' ? hostDir : hostFile;
    }
    return { name: s.name, doc };
  });
}

function cgroupChildren(parent: string): string[] {
  const found: string[] = [];
  for (const ctl of fs.readdirSync('/sys/fs/cgroup')) {
    const dir = path.join('/sys/fs/cgroup', ctl, parent);
    try {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) found.push(path.join(dir, e.name));
    } catch {
      // no such hierarchy entry
    }
  }
  return found;
}

/** Processes whose root is our rootfs or whose command line names the id. */
function processesOf(rootfs: string, id: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const root = fs.readlinkSync(`/proc/${name}/root`);
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (root.startsWith(rootfs) || cmd.split('\0').includes(id)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

test('mutated config.json documents given to create end in a clear error or a working container, leaving nothing', () => {
  const runSeed = fuzzSeed();
  const cases = fuzzCases('BERTH_FUZZ_INTEGRATION_COUNT', 60);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fuzz-'));
  const rootfs = path.join(work, 'rootfs');
  execFileSync(path.join(repoRoot, 'bundles/build-rootfs.sh'), [rootfs]);
  const hostFile = path.join(work, 'host-file');
  const hostDir = path.join(work, 'host-dir');
  fs.writeFileSync(hostFile, 'fuzz\n');
  fs.mkdirSync(hostDir);
  const bundle = path.join(work, 'bundle');
  fs.mkdirSync(bundle);
  const root = `/run/berth-test/fuzz-${process.pid}`;
  const cgroupParent = `/berth-fuzz-${process.pid}`;
  const seeds = seedsForThisHost(rootfs, hostFile, hostDir, cgroupParent);
  const started = Date.now();
  const failures: string[] = [];
  let working = 0;
  try {
    for (const i of cases) {
      const c = makeCase(seeds, runSeed, i, { keep, maxArray: 2000 });
      const id = `fuzz-${process.pid}-${i}`;
      const problems: string[] = [];
      const t0 = Date.now();
      fs.writeFileSync(path.join(bundle, 'config.json'), c.bytes);
      const r = berth(root, ['create', '--bundle', bundle, id], { timeoutMs: 30_000 });
      if (r.error || r.signal || r.status === null) problems.push(`create did not exit by itself (${r.error?.message ?? r.signal})`);
      else if (r.status === 0) {
        working++;
        const steps: [string, string[]][] = [['start', ['start', id]], ['kill', ['kill', id, 'KILL']], ['delete', ['delete', '--force', id]]];
        for (const [name, args] of steps) {
          const s = berth(root, args, { timeoutMs: 30_000 });
          // a container without process.args is created but refuses start, as runtime.md says
          if (s.status !== 0 && !(name === 'kill' && /not running/.test(s.stderr)) && !(name === 'start' && /no process to run/.test(s.stderr))) problems.push(`${name} failed (${s.status ?? s.signal}): ${s.stderr.slice(0, 300)}`);
        }
      } else {
        if (!r.stderr.trim()) problems.push('create failed without a message');
        if (CRASH.test(r.stderr)) problems.push(`create crashed: ${r.stderr.slice(0, 600)}`);
      }
      // What is left behind, whatever happened.
      const left: string[] = [];
      // The compiled seccomp programs belong to the root, not to a container (seccomp/cache.ts).
      const underRoot = fs.existsSync(root) ? fs.readdirSync(root).filter((n) => n !== CACHE_DIR) : [];
      if (underRoot.length) left.push(`under the root: ${underRoot.join(' ')}`);
      const cgroups = cgroupChildren(cgroupParent);
      if (cgroups.length) left.push(`cgroups: ${cgroups.join(' ')}`);
      const mounts = hostMounts().split('\n').filter((l) => l.includes(work));
      if (mounts.length) left.push(`mounts: ${mounts.join(' | ')}`);
      const pids = processesOf(rootfs, id);
      if (pids.length) left.push(`processes: ${pids.join(' ')}`);
      if (left.length) {
        problems.push(`left behind: ${left.join('; ')}`);
        berth(root, ['delete', '--force', id]);
      }
      if (process.env.BERTH_FUZZ_VERBOSE) console.log(`${Date.now() - t0} ms ${r.status} ${describeCase(runSeed, i, c).slice(0, 200)} ${r.stderr.slice(0, 120)}`);
      if (problems.length) failures.push(`${describeCase(runSeed, i, c)}\n  ${problems.join('\n  ')}`);
      if (failures.length >= 5) break;
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    for (const ctl of fs.readdirSync('/sys/fs/cgroup')) {
      const dir = path.join('/sys/fs/cgroup', ctl, cgroupParent);
      try {
        for (const child of cgroupChildren(cgroupParent).filter((d) => d.startsWith(dir + '/'))) fs.rmdirSync(child);
        fs.rmdirSync(dir);
      } catch {
        // not made in this hierarchy
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`config fuzz (create): seed ${runSeed}, ${cases.length} documents, ${working} working containers, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(failures, [], failures.join('\n'));
});

test.run();
