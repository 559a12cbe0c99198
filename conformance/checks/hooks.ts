// config.md "POSIX-platform Hooks" and runtime.md "Lifecycle" steps 3-13: when each hook
// runs, in which namespaces, what it gets on stdin, and what a failing hook does. Every hook
// is conformance/helpers/hook.c, which appends one JSON line per run to a log.

import fs from 'node:fs';
import path from 'node:path';
import type { Hook, Hooks, Spec } from '../../src/spec/types.js';
import { check, type Check } from '../lib/check.js';
import type { Bundle, CheckContext } from '../lib/context.js';
import { waitFor } from '../lib/exec.js';
import { namespacesOf, processAlive } from '../lib/host.js';
import { IN_CONTAINER_HOOK, PROBE } from '../lib/spec.js';

type Phase = keyof Hooks;
const RUNTIME_NS_PHASES: Phase[] = ['prestart', 'createRuntime', 'poststart', 'poststop'];
const ALL_PHASES: Phase[] = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'];

interface HookRecord {
  label: string;
  argv: string[];
  env: string[];
  stdin: string;
  pid: number;
  root: string;
  statOk?: boolean;
  statePidCmdline?: string | null;
  [ns: `ns.${string}`]: string | null;
}

/** Host path of the hook log of a bundle, and the same file seen from inside. */
const LOG = 'hooks.log';
const hostLog = (b: Bundle) => path.join(b.out, LOG);

function readLog(b: Bundle): HookRecord[] {
  if (!fs.existsSync(hostLog(b))) return [];
  return fs
    .readFileSync(hostLog(b), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as HookRecord);
}

/**
 * A hook entry for `phase`. startContainer hooks resolve their path inside the container
 * (the helper copied into the rootfs) and write the log through /out; every other hook runs
 * the host copy and writes the host path (the log's location is only known per bundle, so
 * it is a placeholder filled in by hooked()).
 */
function hookEntry(t: CheckContext, phase: Phase, label: string, extra: string[] = [], opts: Partial<Hook> = {}): Hook {
  const inContainer = phase === 'startContainer';
  return {
    path: inContainer ? IN_CONTAINER_HOOK : t.env.helpers.hook,
    args: ['hook', inContainer ? `/out/${LOG}` : '@LOG@', label, ...extra],
    ...opts,
  };
}

/** Writes the bundle for `spec` and resolves the @LOG@ placeholders. */
async function hooked(t: CheckContext, spec: Spec): Promise<Bundle> {
  const id = t.newId();
  const b = await t.bundle(spec, id);
  for (const list of Object.values(b.config.hooks ?? {})) {
    for (const h of list as Hook[]) h.args = h.args?.map((a) => (a === '@LOG@' ? hostLog(b) : a));
  }
  t.writeConfig(b, b.config);
  return b;
}

function waiterSpec(t: CheckContext): Spec {
  const spec = t.spec();
  spec.process!.args = [PROBE, 'wait-signal', '/out/sig'];
  return spec;
}

function labels(records: HookRecord[]): string {
  return records.map((r) => r.label).join(' ');
}

function stateOf(t: CheckContext, r: HookRecord): Record<string, unknown> {
  try {
    return JSON.parse(r.stdin) as Record<string, unknown>;
  } catch {
    t.fail(`hook ${r.label} got something that is not JSON on stdin: ${JSON.stringify(r.stdin.slice(0, 100))}`);
  }
}

/** A container with two hooks in each phase, taken through its whole life. */
async function fullLifecycle(t: CheckContext) {
  const spec = waiterSpec(t);
  spec.hooks = {};
  for (const phase of ALL_PHASES) spec.hooks[phase] = [hookEntry(t, phase, `${phase}-1`), hookEntry(t, phase, `${phase}-2`)];
  const b = await hooked(t, spec);
  const c = await t.createBundle(b);
  const afterCreate = readLog(b);
  await t.start(c);
  const afterStart = readLog(b);
  await t.rt.kill(c.id, 'KILL');
  await t.waitStopped(c);
  await t.deleteOk(c);
  const afterDelete = readLog(b);
  return { b, c, afterCreate, afterStart, afterDelete };
}

function nsOf(r: HookRecord, file: string): string | null {
  return r[`ns.${file}`] ?? null;
}

/** One failing hook in `phase`: the operation must fail and leave no container. */
function failureCheck(phase: Phase): Check {
  const op = ['startContainer', 'poststart'].includes(phase) ? 'start' : 'create';
  return check(`hooks.${phase.toLowerCase()}-failure`, `a failing ${phase} hook makes ${op} fail and the container is stopped`, async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { [phase]: [hookEntry(t, phase, 'failing', ['--exit', '1'])] };
    const b = await hooked(t, spec);
    if (op === 'create') {
      const res = await t.rt.create(b.id, b.dir);
      t.assert(res.code !== 0, `create succeeded although a ${phase} hook failed`);
      const { res: st } = await t.rt.state(b.id);
      t.assert(st.code !== 0, 'the container is still there after the failed create');
    } else {
      const c = await t.createBundle(b);
      const res = await t.rt.start(c.id);
      t.assert(res.code !== 0, `start succeeded although a ${phase} hook failed`);
      const { json } = await t.rt.state(c.id);
      t.assert(!json || json.status === 'stopped', `the container is ${String(json?.status)} after the failed start`);
    }
    const rec = readLog(b).find((r) => r.label === 'failing');
    t.assert(rec, `the ${phase} hook never ran`);
    const pid = Number(stateOf(t, rec!).pid);
    if (pid > 0 && RUNTIME_NS_PHASES.includes(phase)) {
      const gone = await waitFor(() => !processAlive(pid), 3000);
      t.assert(gone, `the container process ${pid} is still alive after the failed ${op}`);
    }
  });
}

export const hookChecks: Check[] = [
  check('hooks.order', 'hooks run in the listed order, phase by phase: prestart, createRuntime, createContainer | startContainer, poststart | poststop', async (t) => {
    const { afterDelete } = await fullLifecycle(t);
    const want = ALL_PHASES.flatMap((p) => [`${p}-1`, `${p}-2`]).join(' ');
    t.equal(labels(afterDelete), want, 'order in which the hooks ran');
  }),

  check('hooks.timing', 'create runs the create hooks, start the start hooks (poststart before it returns), delete the poststop hooks before it returns', async (t) => {
    const { afterCreate, afterStart, afterDelete } = await fullLifecycle(t);
    const phasesIn = (rs: HookRecord[]) => [...new Set(rs.map((r) => r.label.replace(/-\d$/, '')))].join(' ');
    t.equal(phasesIn(afterCreate), 'prestart createRuntime createContainer', 'hooks that had run when create returned');
    t.equal(phasesIn(afterStart), 'prestart createRuntime createContainer startContainer poststart', 'hooks that had run when start returned');
    t.equal(phasesIn(afterDelete), ALL_PHASES.join(' '), 'hooks that had run when delete returned');
  }),

  check('hooks.state-stdin', 'every hook gets the container state on stdin (ociVersion, id, status, pid, bundle)', async (t) => {
    const { b, c, afterDelete } = await fullLifecycle(t);
    for (const r of afterDelete) {
      const st = stateOf(t, r);
      t.equal(st.id, c.id, `id in the state given to ${r.label}`);
      t.equal(st.bundle, b.dir, `bundle in the state given to ${r.label}`);
      t.assert(typeof st.ociVersion === 'string' && st.ociVersion, `no ociVersion in the state given to ${r.label}`);
      t.assert(['creating', 'created', 'running', 'stopped'].includes(String(st.status)), `status ${JSON.stringify(st.status)} given to ${r.label}`);
      if (['created', 'running'].includes(String(st.status))) t.assert(Number(st.pid) > 0, `no pid in the ${String(st.status)} state given to ${r.label}`);
    }
  }),

  check('hooks.state-status', 'the state status seen by hooks: creating during create, running in poststart, stopped in poststop', async (t) => {
    const { afterDelete } = await fullLifecycle(t);
    const want: Partial<Record<Phase, string>> = { prestart: 'creating', createRuntime: 'creating', createContainer: 'creating', poststart: 'running', poststop: 'stopped' };
    for (const r of afterDelete) {
      const phase = r.label.replace(/-\d$/, '') as Phase;
      if (want[phase]) t.equal(stateOf(t, r).status, want[phase], `status given to ${r.label}`);
    }
  }),

  check('hooks.state-pid', 'runtime-namespace hooks get the host pid of the container; container-namespace hooks the pid seen inside', async (t) => {
    const { c, afterDelete } = await fullLifecycle(t);
    for (const r of afterDelete) {
      const phase = r.label.replace(/-\d$/, '') as Phase;
      if (phase === 'poststop') continue;
      const pid = Number(stateOf(t, r).pid);
      if (phase === 'createContainer' || phase === 'startContainer') t.equal(pid, 1, `pid given to ${r.label} (the container has its own pid namespace)`);
      else t.equal(pid, c.pid, `pid given to ${r.label}`);
    }
  }),

  check('hooks.runtime-namespace', 'prestart, createRuntime, poststart and poststop hooks run in the runtime namespaces', async (t) => {
    const { afterDelete } = await fullLifecycle(t);
    const files = ['pid', 'net', 'ipc', 'uts', ...(t.env.runtime.privateMountNs ? [] : ['mnt'])];
    for (const r of afterDelete.filter((r) => RUNTIME_NS_PHASES.includes(r.label.replace(/-\d$/, '') as Phase))) {
      for (const f of files) t.equal(nsOf(r, f), t.env.hostNs[f as 'pid'], `${f} namespace of ${r.label}`);
    }
  }),

  check('hooks.container-namespace', 'createContainer and startContainer hooks run in the container namespaces', async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { createContainer: [hookEntry(t, 'createContainer', 'cc')], startContainer: [hookEntry(t, 'startContainer', 'sc')] };
    const b = await hooked(t, spec);
    const c = await t.createBundle(b);
    const ns = namespacesOf(c.pid);
    await t.start(c);
    for (const r of readLog(b)) {
      for (const f of ['mnt', 'pid', 'net', 'ipc', 'uts'] as const) t.equal(nsOf(r, f), ns[f], `${f} namespace of the ${r.label} hook`);
    }
    t.equal(readLog(b).length, 2, 'number of hooks that ran');
  }),

  check('hooks.createcontainer-sees-mounts', 'createContainer hooks run before pivot_root, with the container mounts already made', async (t) => {
    const src = path.join(t.dir, 'marked');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'marker'), '');
    const spec = waiterSpec(t);
    spec.mounts!.push({ destination: '/conf-mnt', type: 'bind', source: src, options: ['bind'] });
    const b0 = await hooked(t, spec);
    // The hook looks for the marker at its host path inside the rootfs: there only once the
    // bind mount is made, and only reachable that way before pivot_root.
    b0.config.hooks = { createContainer: [{ path: t.env.helpers.hook, args: ['hook', hostLog(b0), 'cc', '--stat', path.join(b0.rootfs, 'conf-mnt/marker')] }] };
    t.writeConfig(b0, b0.config);
    await t.createBundle(b0);
    const rec = readLog(b0)[0];
    t.assert(rec, 'the createContainer hook did not run (or could not write to the host path of its log)');
    t.assert(rec.statOk === true, 'the createContainer hook did not see the container mount at <rootfs>/conf-mnt');
  }),

  check('hooks.startcontainer-path-in-container', 'a startContainer hook path is resolved inside the container', async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { startContainer: [hookEntry(t, 'startContainer', 'sc')] };
    t.assert(!fs.existsSync(IN_CONTAINER_HOOK), `${IN_CONTAINER_HOOK} exists on the host, so the check proves nothing`);
    const b = await hooked(t, spec);
    const c = await t.createBundle(b);
    await t.start(c);
    t.equal(labels(readLog(b)), 'sc', 'hooks that ran');
  }),

  check('hooks.poststart-after-exec', 'poststart hooks run after the user program has been executed', async (t) => {
    const { afterDelete } = await fullLifecycle(t);
    for (const r of afterDelete.filter((x) => x.label.startsWith('poststart'))) {
      t.equal(r.statePidCmdline, `${PROBE} wait-signal /out/sig`, `command line of the container process when ${r.label} ran`);
    }
  }),

  check('hooks.args-env', 'hook args become argv (args[0] included) and env the whole environment', async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { createRuntime: [{ path: t.env.helpers.hook, args: ['custom-argv0', '@LOG@', 'cr', 'extra arg'], env: ['CONF_HOOK=1', 'SECOND=two words'] }] };
    const b = await hooked(t, spec);
    await t.createBundle(b);
    const rec = readLog(b)[0];
    t.assert(rec, 'the hook did not run');
    t.equal(JSON.stringify(rec.argv), JSON.stringify(['custom-argv0', hostLog(b), 'cr', 'extra arg']), 'argv of the hook');
    t.equal(JSON.stringify([...rec.env].sort()), JSON.stringify(['CONF_HOOK=1', 'SECOND=two words']), 'environment of the hook');
  }),

  check('hooks.timeout', 'a hook that outlives its timeout is aborted and the operation fails', async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { createRuntime: [hookEntry(t, 'createRuntime', 'slow', ['--sleep', '20'], { timeout: 1 })] };
    const b = await hooked(t, spec);
    const began = Date.now();
    const res = await t.rt.create(b.id, b.dir);
    t.assert(res.code !== 0, 'create succeeded although the hook timed out');
    t.assert(Date.now() - began < 15_000, `create took ${Date.now() - began} ms: the hook was not aborted after its 1 s timeout`);
  }, { timeoutMs: 40_000 }),

  check('hooks.relative-path-rejected', 'a hook path that is not absolute is an error', async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { createRuntime: [{ path: 'hook', args: ['hook', '/dev/null', 'relative'] }] };
    await t.createFails(spec);
  }),

  check('hooks.timeout-zero-rejected', 'a hook timeout of 0 is an error (it must be greater than zero)', async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { createRuntime: [hookEntry(t, 'createRuntime', 'zero', [], { timeout: 0 })] };
    const b = await hooked(t, spec);
    const res = await t.rt.create(b.id, b.dir);
    t.assert(res.code !== 0, 'create accepted a hook with timeout 0');
  }),

  failureCheck('prestart'),
  failureCheck('createRuntime'),
  failureCheck('createContainer'),
  failureCheck('startContainer'),
  failureCheck('poststart'),

  check('hooks.failure-runs-poststop', 'after a failing createRuntime hook the container is destroyed and poststop hooks run', async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { createRuntime: [hookEntry(t, 'createRuntime', 'failing', ['--exit', '1'])], poststop: [hookEntry(t, 'poststop', 'cleanup')] };
    const b = await hooked(t, spec);
    const res = await t.rt.create(b.id, b.dir);
    t.assert(res.code !== 0, 'create succeeded although a createRuntime hook failed');
    t.equal(labels(readLog(b)), 'failing cleanup', 'hooks that ran');
  }),

  check('hooks.poststop-failure', 'a failing poststop hook is only a warning: the next poststop hook runs and delete succeeds', async (t) => {
    const spec = waiterSpec(t);
    spec.hooks = { poststop: [hookEntry(t, 'poststop', 'first', ['--exit', '1']), hookEntry(t, 'poststop', 'second')] };
    const b = await hooked(t, spec);
    const c = await t.createBundle(b);
    await t.start(c);
    await t.rt.kill(c.id, 'KILL');
    await t.waitStopped(c);
    const d = await t.rt.delete(c.id);
    t.assert(d.code === 0, 'delete failed because a poststop hook failed');
    t.equal(labels(readLog(b)), 'first second', 'poststop hooks that ran');
    const { res } = await t.rt.state(c.id);
    t.assert(res.code !== 0, 'the container is still there after delete');
  }),
];
