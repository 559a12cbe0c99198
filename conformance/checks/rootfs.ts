// config.md "Root": the root filesystem path (relative or absolute, must exist) and readonly.

import fs from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../lib/check.js';
import { topMountAt } from '../lib/mountinfo.js';
import { PROBE } from '../lib/spec.js';
import { mountsAndRun } from './mounts.js';

const EROFS = '30';

export const rootfsChecks: Check[] = [
  check('rootfs.readonly', 'root.readonly makes / read-only: writes fail with EROFS', async (t) => {
    const spec = t.spec();
    spec.root!.readonly = true;
    const { entries, f } = await mountsAndRun(t, spec, `${PROBE} write /conf-written > /out/write; `);
    const root = topMountAt(entries, '/');
    t.assert(root && root.options.includes('ro'), `/ is not mounted read-only: ${root?.options.join(',')}`);
    const out = fs.readFileSync(path.join(f.bundle.out, 'write'), 'utf8');
    t.assert(out.includes(`errno=${EROFS}`), `writing to / gave "${out.trim()}", expected EROFS`);
  }),

  check('rootfs.writable-default', 'without root.readonly, / is writable', async (t) => {
    const spec = t.spec();
    delete spec.root!.readonly;
    spec.process!.args = [PROBE, 'write', '/conf-written'];
    const f = await t.run(spec);
    t.assert(f.stdout.includes('write /conf-written ok'), `writing to / failed: ${f.stdout.trim()}`);
    t.assert(fs.existsSync(path.join(f.bundle.rootfs, 'conf-written')), 'the file written to / is not in the rootfs');
  }),

  check('rootfs.path-relative', 'a relative root.path is taken relative to the bundle, not the working directory', async (t) => {
    // create runs with its working directory outside the bundle (see RuntimeDriver.create).
    const f = await t.run(t.spec());
    t.assert(f.report.has('pid'), 'the container did not run from its relative rootfs');
  }),

  check('rootfs.path-absolute', 'an absolute root.path is used as is', async (t) => {
    const f = await t.run(t.spec(), { absoluteRoot: true });
    t.assert(f.report.has('pid'), 'the container did not run from its absolute rootfs');
  }),

  check('rootfs.path-missing', 'create fails when root.path does not exist', async (t) => {
    await t.createFails(t.spec(), { rootfs: { path: path.join(t.dir, 'no-such-rootfs') } });
  }),
];
