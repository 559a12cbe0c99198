// The typed API (src/api) on real containers, driving the built dist/berth: the lifecycle
// (create, start, run, state, list, kill, delete), features, and the typed errors.
// exec, pause, resume, update, ps and events: api-operations.test.ts.

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BerthCommandError, ConfigError, ContainerNotFoundError, Runtime, defaultSpec, type Spec } from '../../src/api/index.js';
import { berthBin, makeBundle, sleepMs, uniqueId } from '../helpers/berth.js';

/** The default spec (the one `berth spec` writes) adjusted as a tool would: no terminal, a command. */
function specRunning(args: string[]): Spec {
  const spec = defaultSpec();
  spec.process!.terminal = false;
  spec.process!.args = args;
  return spec;
}

const runtimeFor = (root: string) => new Runtime({ root, binary: berthBin });

test('run: the container\'s output and exit status; nothing left behind', async () => {
  const b = makeBundle(specRunning(['sh', '-c', 'echo out; echo err >&2; hostname; exit 3']));
  try {
    const rt = runtimeFor(b.root);
    const r = await rt.run(uniqueId('api-run'), { bundle: b.dir });
    assert.is(r.status, 3);
    assert.is(r.stdout, 'out\nberth\n');
    assert.is(r.stderr, 'err\n');
    assert.equal(await rt.list(), []);
  } finally {
    b.cleanup();
  }
});

test('create, state, list, start, kill, delete: each state change seen through the API', async () => {
  const b = makeBundle(specRunning(['sleep', '1000']));
  const id = uniqueId('api-life');
  try {
    const rt = runtimeFor(b.root);
    const pidFile = path.join(b.dir, 'pid');
    await rt.create(id, { bundle: b.dir, pidFile });
    const created = await rt.state(id);
    assert.is(created.status, 'created');
    assert.is(created.id, id);
    assert.is(created.bundle, b.dir);
    assert.is(created.pid, Number(fs.readFileSync(pidFile, 'utf8')));
    assert.equal((await rt.list()).map((s) => [s.id, s.status]), [[id, 'created']]);
    await rt.start(id);
    assert.is((await rt.state(id)).status, 'running');
    assert.match(fs.readFileSync(`/proc/${created.pid}/cmdline`, 'utf8'), /^sleep\x001000/);
    await rt.kill(id, 'KILL');
    let st = await rt.state(id);
    for (let i = 0; i < 200 && st.status !== 'stopped'; i++, sleepMs(10)) st = await rt.state(id);
    assert.is(st.status, 'stopped');
    await rt.delete(id);
    assert.equal(await rt.list(), []);
    assert.not.ok(fs.existsSync(path.join(b.root, id)));
  } finally {
    b.cleanup();
  }
});

test('run --detach, kill --all, delete --force', async () => {
  const b = makeBundle(specRunning(['sleep', '1000']));
  const id = uniqueId('api-detach');
  try {
    const rt = runtimeFor(b.root);
    const r = await rt.run(id, { bundle: b.dir, detach: true });
    assert.equal(r, { status: 0, stdout: '', stderr: '' });
    const pid = (await rt.state(id)).pid;
    assert.is((await rt.state(id)).status, 'running');
    await rt.kill(id, 'SIGSTOP', { all: true });
    assert.match(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'), /\) T /);
    await rt.delete(id, { force: true });
    assert.equal(await rt.list(), []);
  } finally {
    b.cleanup();
  }
});

test('errors: ContainerNotFoundError, ConfigError with the JSON path, BerthCommandError with argv and status', async () => {
  const bad = specRunning(['true']);
  bad.process!.cwd = 'tmp';
  const b = makeBundle(bad);
  try {
    const rt = runtimeFor(b.root);
    const nf = await rt.state('berth-t-nope').catch((e: unknown) => e);
    assert.instance(nf, ContainerNotFoundError);
    assert.is((nf as ContainerNotFoundError).id, 'berth-t-nope');
    assert.is((nf as ContainerNotFoundError).exitCode, 1);
    assert.instance(await rt.delete('berth-t-nope').catch((e: unknown) => e), ContainerNotFoundError);

    const id = uniqueId('api-bad');
    const cfg = await rt.create(id, { bundle: b.dir }).catch((e: unknown) => e);
    assert.instance(cfg, ConfigError);
    assert.is((cfg as ConfigError).jsonPath, '/process/cwd');
    assert.match((cfg as ConfigError).berthMessage, /^config\.json \/process\/cwd: .*must be absolute/);
    assert.equal(await rt.list(), [], 'nothing left behind');

    const tty = structuredClone(defaultSpec());
    fs.writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify({ ...tty, root: { path: JSON.parse(fs.readFileSync(path.join(b.dir, 'config.json'), 'utf8')).root.path } }));
    const t = await rt.create(id, { bundle: b.dir }).catch((e: unknown) => e);
    assert.instance(t, ConfigError, 'a terminal without a console socket names /process/terminal');
    assert.is((t as ConfigError).jsonPath, '/process/terminal');

    const other = await rt.start('berth-t-nope').catch((e: unknown) => e);
    assert.instance(other, BerthCommandError);
    assert.ok((other as BerthCommandError).argv.includes('start'));
    const missing = await rt.run(id, { bundle: '/nonexistent-bundle' }).catch((e: unknown) => e);
    assert.instance(missing, BerthCommandError, 'berth\'s own failure in run is an error, not a container status');
    assert.not.instance(missing, ConfigError);
    assert.match((missing as Error).message, /^berth run: bundle \/nonexistent-bundle does not exist/);
    const noBinary = await new Runtime({ root: b.root, binary: '/nonexistent/berth' }).list().catch((e: unknown) => e);
    assert.instance(noBinary, BerthCommandError);
    assert.match((noBinary as Error).message, /cannot run \/nonexistent\/berth/);
  } finally {
    b.cleanup();
  }
});

test('features: the runtime-spec features document', async () => {
  const f = await new Runtime({ root: '/run/berth-test/unused', binary: berthBin }).features();
  assert.is(f.ociVersionMax, '1.3.0');
  assert.ok(Array.isArray(f.hooks) && f.hooks.includes('prestart'));
  assert.not.ok(fs.existsSync('/run/berth-test/unused'));
});

test.run();
