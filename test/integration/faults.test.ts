// Fault injection (src/faults.ts): for every step in FAULT_STEPS, berth is SIGKILLed there
// (BERTH_FAULT=<step>) and the test checks that `state` and `list` still print whole documents
// or a clean "does not exist", that `delete --force` removes everything the dead command left
// (state directory and fifo, cgroups in every hierarchy, host mounts, processes), and that the
// id can be created again. For the create steps, a new create of the same id straight after
// the kill (no delete in between) must reclaim the leftover, or, once state.json exists, say
// "already exists"; either way `delete --force` then leaves nothing.

import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FAULT_STEPS, type FaultStep } from '../../src/faults.js';
import type { Spec } from '../../src/spec/types.js';
import { berth, makeBundle, rootfs, uniqueId, type Bundle } from '../helpers/berth.js';
import { cgroupDirsLeft, mountsUnder, processesTiedTo, rootEntries } from '../helpers/leftovers.js';
import { minimalSpec } from '../helpers/specs.js';

const TAG = `BERTH_FAULT_TEST=${process.pid}`;

/** Hooks of every kind (each reached by a fault step), and a tag in the container's environment. */
function faultSpec(id: string, opts: { userNs?: boolean; args?: string[] } = {}): Spec {
  const spec = minimalSpec({
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }, ...(opts.userNs ? [{ type: 'user' as const }] : [])],
      cgroupsPath: `/${id}`,
      resources: { pids: { limit: 64 }, memory: { limit: 256 * 1024 * 1024 } },
      ...(opts.userNs
        ? { uidMappings: [{ containerID: 0, hostID: 310000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 310000, size: 65536 }] }
        : {}),
    },
    hooks: {
      prestart: [{ path: '/bin/true' }],
      createRuntime: [{ path: '/bin/true' }],
      createContainer: [{ path: '/bin/true' }],
      poststart: [{ path: '/bin/true' }],
      poststop: [{ path: '/bin/true' }],
    },
  });
  spec.process!.args = opts.args ?? ['sleep', '600'];
  spec.process!.env!.push(TAG);
  return spec;
}

type Scenario = (b: Bundle, id: string, fault: Record<string, string>) => ReturnType<typeof berth>;

const ok = (r: ReturnType<typeof berth>, what: string) => assert.is(r.status, 0, `${what}: ${r.stderr}`);

/** The command that reaches each step, after whatever it needs set up first. */
function scenarioFor(step: FaultStep): { scenario: Scenario; userNs?: boolean; args?: string[] } {
  const [cmd] = step.split('.');
  const env = (fault: Record<string, string>) => ({ ...fault, BERTH_FAULT_TAG: TAG });
  const created = (b: Bundle, id: string) => ok(berth(b.root, ['create', '--bundle', b.dir, id], { env: { BERTH_FAULT_TAG: TAG } }), 'create');
  const started = (b: Bundle, id: string) => {
    created(b, id);
    ok(berth(b.root, ['start', id]), 'start');
  };
  switch (cmd) {
    case 'create':
      return {
        userNs: step === 'create.id-maps',
        scenario: (b, id, fault) => berth(b.root, ['create', '--bundle', b.dir, id], { env: env(fault) }),
      };
    case 'start':
      return {
        scenario: (b, id, fault) => {
          created(b, id);
          return berth(b.root, ['start', id], { env: env(fault) });
        },
      };
    case 'exec':
      return {
        scenario: (b, id, fault) => {
          started(b, id);
          return berth(b.root, ['exec', '-d', id, 'sleep', '600'], { env: env(fault) });
        },
      };
    case 'run':
      // run.exited needs a container that ends by itself.
      return { args: ['true'], scenario: (b, id, fault) => berth(b.root, ['run', '--bundle', b.dir, id], { env: env(fault) }) };
    case 'kill':
      return {
        scenario: (b, id, fault) => {
          started(b, id);
          return berth(b.root, ['kill', id, 'KILL'], { env: env(fault) });
        },
      };
    case 'delete':
      return {
        scenario: (b, id, fault) => {
          started(b, id);
          return berth(b.root, ['delete', '--force', id], { env: env(fault) });
        },
      };
    default:
      throw new Error(`no scenario reaches ${step}`);
  }
}

/** `state` prints a whole document or fails with "does not exist"; `list` always parses. */
function assertReadable(b: Bundle, id: string, when: string): void {
  const st = berth(b.root, ['state', id]);
  if (st.status === 0) {
    const doc = JSON.parse(st.stdout);
    assert.is(doc.id, id, `${when}: state document names the container`);
    assert.ok(['created', 'running', 'stopped', 'paused'].includes(doc.status), `${when}: status ${doc.status}`);
  } else {
    assert.match(st.stderr, 'does not exist', `${when}: state fails only with "does not exist": ${st.stderr}`);
  }
  const list = berth(b.root, ['list', '--format', 'json']);
  ok(list, `${when}: list`);
  const docs = JSON.parse(list.stdout) as { id: string }[] | null;
  for (const d of docs ?? []) assert.is(d.id, id, `${when}: list shows only this container`);
}

/** Nothing of the container is left on the host. */
function assertNothingLeft(b: Bundle, id: string, when: string): void {
  assert.equal(rootEntries(b.root), [], `${when}: entries under --root`);
  assert.equal(cgroupDirsLeft(`/${id}`), [], `${when}: cgroups left`);
  assert.equal(mountsUnder([rootfs(), b.dir, b.root]), [], `${when}: host mounts left`);
  assert.equal(processesTiedTo(TAG, `/${id}`), [], `${when}: processes left`);
}

/** Whether create got as far as writing state.json at this step (a new create then finds it). */
const stateExistsAfter = (step: FaultStep) => FAULT_STEPS.indexOf(step) >= FAULT_STEPS.indexOf('create.state-written');

for (const step of FAULT_STEPS) {
  test(`killed at ${step}: delete --force removes everything, the id is created again`, () => {
    const id = uniqueId(`fault-${step.replace(/\./g, '-')}`);
    const how = scenarioFor(step);
    const b = makeBundle(faultSpec(id, how));
    try {
      const r = how.scenario(b, id, { BERTH_FAULT: step });
      assert.is(r.signal, 'SIGKILL', `berth reached ${step} and died there (status ${r.status}, stderr ${r.stderr})`);
      assertReadable(b, id, 'after the kill');
      ok(berth(b.root, ['delete', '--force', id]), 'delete --force');
      assertReadable(b, id, 'after delete --force');
      assertNothingLeft(b, id, 'after delete --force');
      ok(berth(b.root, ['create', '--bundle', b.dir, id]), 'create again');
      ok(berth(b.root, ['delete', '--force', id]), 'delete --force again');
      assertNothingLeft(b, id, 'after the second delete');
    } finally {
      b.cleanup();
    }
  });
}

for (const step of FAULT_STEPS.filter((s) => s.startsWith('create.'))) {
  test(`killed at ${step}: a new create of the same id ${stateExistsAfter(step) ? 'says "already exists"' : 'reclaims it'}`, () => {
    const id = uniqueId(`refault-${step.replace(/\./g, '-')}`);
    const how = scenarioFor(step);
    const b = makeBundle(faultSpec(id, how));
    try {
      const r = how.scenario(b, id, { BERTH_FAULT: step });
      assert.is(r.signal, 'SIGKILL', `berth died at ${step}: ${r.stderr}`);
      const again = berth(b.root, ['create', '--bundle', b.dir, id]);
      if (stateExistsAfter(step)) {
        assert.is.not(again.status, 0, 'the container exists');
        assert.match(again.stderr, 'already exists');
      } else {
        ok(again, 'create of the same id');
        assert.is(JSON.parse(berth(b.root, ['state', id]).stdout).status, 'created');
      }
      ok(berth(b.root, ['delete', '--force', id]), 'delete --force');
      assertNothingLeft(b, id, 'after delete --force');
    } finally {
      b.cleanup();
    }
  });
}

// Without a mount namespace the rootfs bind (and every mount on it) is a host mount: creating.json
// names it before the child makes it, so a killed create's mounts are detached too.
for (const step of ['create.child-spawned', 'create.sync-create-hooks', 'create.sync-ready'] as const) {
  test(`no mount namespace, killed at ${step}: delete --force detaches the rootfs bind`, () => {
    const id = uniqueId(`fault-nomnt-${step.replace(/\./g, '-')}`);
    const spec = faultSpec(id);
    spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'mount');
    spec.mounts!.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs' });
    const b = makeBundle(spec, { ownRootfs: true });
    try {
      const r = berth(b.root, ['create', '--bundle', b.dir, id], { env: { BERTH_FAULT: step, BERTH_FAULT_TAG: TAG } });
      assert.is(r.signal, 'SIGKILL', `berth died at ${step}: ${r.stderr}`);
      ok(berth(b.root, ['delete', '--force', id]), 'delete --force');
      assertNothingLeft(b, id, 'after delete --force');
    } finally {
      b.cleanup();
    }
  });
}

test('the fault list is documented in docs/ARCHITECTURE.md', () => {
  const doc = fs.readFileSync(new URL('../../../docs/ARCHITECTURE.md', `file://${__filename}`), 'utf8');
  for (const step of FAULT_STEPS) assert.ok(doc.includes(`\`${step}\``), `${step} is described`);
});

test.run();
