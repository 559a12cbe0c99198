// config-linux.md "Masked Paths" and "Readonly Paths".

import fs from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../lib/check.js';
import { PROBE, shArgs } from '../lib/spec.js';

export const pathChecks: Check[] = [
  check('paths.masked-file', 'a masked file cannot be read (its content is hidden)', async (t) => {
    const spec = t.spec();
    spec.linux!.maskedPaths = ['/conf/secret-file', '/proc/kcore'];
    const id = t.newId();
    const b = await t.bundle(spec, id);
    fs.writeFileSync(path.join(b.rootfs, 'conf/secret-file'), 'secret content\n');
    b.config.process!.args = shArgs('cat /conf/secret-file; echo; echo status=$?');
    t.writeConfig(b, b.config);
    const c = await t.createBundle(b);
    await t.start(c);
    await t.waitStopped(c);
    const out = fs.readFileSync(c.create.stdoutFile, 'utf8');
    t.assert(!out.includes('secret content'), 'the masked file could be read');
  }),

  check('paths.masked-dir', 'a masked directory shows nothing of what is in it', async (t) => {
    const spec = t.spec();
    spec.linux!.maskedPaths = ['/conf/secret-dir'];
    const id = t.newId();
    const b = await t.bundle(spec, id);
    fs.mkdirSync(path.join(b.rootfs, 'conf/secret-dir'));
    fs.writeFileSync(path.join(b.rootfs, 'conf/secret-dir/inside'), 'secret');
    b.config.process!.args = shArgs('ls -A /conf/secret-dir; cat /conf/secret-dir/inside');
    t.writeConfig(b, b.config);
    const c = await t.createBundle(b);
    await t.start(c);
    await t.waitStopped(c);
    const out = fs.readFileSync(c.create.stdoutFile, 'utf8');
    t.assert(!out.includes('inside') && !out.includes('secret'), `the masked directory shows its content: ${out.trim()}`);
  }),

  check('paths.readonly', 'a read-only path cannot be written (EROFS), in the rootfs and in /proc', async (t) => {
    const spec = t.spec();
    spec.linux!.readonlyPaths = ['/conf/ro-dir', '/proc/sys'];
    const id = t.newId();
    const b = await t.bundle(spec, id);
    fs.mkdirSync(path.join(b.rootfs, 'conf/ro-dir'));
    fs.chmodSync(path.join(b.rootfs, 'conf/ro-dir'), 0o777);
    b.config.process!.args = [PROBE, 'write', '/conf/ro-dir/new', '--', 'write', '/proc/sys/kernel/hostname', '--', 'write', '/tmp/still-writable'];
    t.writeConfig(b, b.config);
    const c = await t.createBundle(b);
    await t.start(c);
    await t.waitStopped(c);
    const out = fs.readFileSync(c.create.stdoutFile, 'utf8');
    t.assert(out.includes('write /conf/ro-dir/new errno=30'), `writing under /conf/ro-dir: ${out.trim()}`);
    t.assert(out.includes('write /proc/sys/kernel/hostname errno=30'), `writing /proc/sys/kernel/hostname: ${out.trim()}`);
    t.assert(out.includes('write /tmp/still-writable ok'), `a path not listed became read-only: ${out.trim()}`);
  }),
];
