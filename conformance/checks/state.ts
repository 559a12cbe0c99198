// runtime.md "State" and "Query State": the fields of the state document.

import fs from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../lib/check.js';
import { waitFor } from '../lib/exec.js';
import { describeFailure } from '../lib/runtime.js';
import { PROBE } from '../lib/spec.js';

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const stateChecks: Check[] = [
  check('state.fields', 'state of a created container has ociVersion, id, status, pid and bundle with the right types and values', async (t) => {
    const c = await t.create(t.spec());
    const { json, res } = await t.rt.state(c.id);
    if (!json) t.fail(`state output is not JSON: ${res.stdout.slice(0, 200)}`);
    else {
      t.assert(typeof json.ociVersion === 'string' && SEMVER.test(json.ociVersion), `ociVersion ${JSON.stringify(json.ociVersion)} is not a SemVer string`);
      t.equal(json.id, c.id, 'id');
      t.equal(json.status, 'created', 'status');
      t.assert(Number.isInteger(json.pid) && (json.pid as number) > 0, `pid ${JSON.stringify(json.pid)} is not a positive integer`);
      t.equal(json.bundle, c.bundle.dir, 'bundle');
    }
  }),

  check('state.bundle-absolute', 'state.bundle is absolute even when create was given a relative bundle path', async (t) => {
    const id = t.newId();
    const b = await t.bundle(t.spec(), id);
    const rel = path.relative(t.dir, b.dir);
    const res = await t.rt.raw(['create', '--bundle', rel, id], 'create-rel', { cwd: t.dir });
    t.assert(res.code === 0, `create with a relative bundle path failed: ${describeFailure(res)}`);
    const { json } = await t.rt.state(id);
    t.equal(json?.bundle, b.dir, 'bundle');
  }),

  check('state.pid-is-container-process', 'state.pid is the container process: in the container pid namespace, and it becomes the user program', async (t) => {
    const spec = t.spec();
    spec.process!.args = [PROBE, 'wait-signal', '/out/sig'];
    const c = await t.create(spec);
    const ns = fs.readlinkSync(`/proc/${c.pid}/ns/pid`);
    t.assert(ns !== t.env.hostNs.pid, 'the state pid is not inside the container pid namespace');
    await t.start(c);
    await waitFor(() => fs.existsSync(path.join(c.bundle.out, 'sig.ready')), 5000);
    const cmdline = fs.readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    t.equal(cmdline.join(' '), `${PROBE} wait-signal /out/sig`, 'command line of the state pid after start');
    const { json } = await t.rt.state(c.id);
    t.equal(Number(json?.pid), c.pid, 'pid in state while running');
  }),

  check('state.annotations', 'state carries the annotations of config.json', async (t) => {
    const spec = t.spec();
    spec.annotations = { 'org.example.conformance': 'yes', 'org.example.empty': '' };
    const c = await t.create(spec);
    const { json } = await t.rt.state(c.id);
    t.equal(JSON.stringify(json?.annotations ?? null), JSON.stringify(spec.annotations), 'annotations in state');
  }),
];
