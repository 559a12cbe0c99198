// config-linux.md "Seccomp": a filter is applied, errnoRet is honoured, an errnoRet on an
// action without errno is refused, and the listener socket gets the container process state.

import fs from 'node:fs';
import type { Seccomp } from '../../src/spec/types.js';
import { check, type Check } from '../lib/check.js';
import { PROBE, shArgs } from '../lib/spec.js';

const MKDIRS = ['mkdir', 'mkdirat'];

function filter(action: string, extra: Partial<Seccomp['syscalls'] extends (infer S)[] | undefined ? S : never> = {}): Seccomp {
  return { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: MKDIRS, action, ...extra }] };
}

export const seccompChecks: Check[] = [
  check('seccomp.errno', 'SCMP_ACT_ERRNO makes the listed syscalls fail with EPERM by default', async (t) => {
    const spec = t.spec();
    spec.linux!.seccomp = filter('SCMP_ACT_ERRNO');
    spec.process!.args = [PROBE, 'mkdir', '/tmp/conf-dir', '--', 'write', '/tmp/conf-file'];
    const f = await t.run(spec);
    t.assert(f.stdout.includes('mkdir /tmp/conf-dir errno=1'), `mkdir under the filter: ${f.stdout.trim()}`);
    t.assert(f.stdout.includes('write /tmp/conf-file ok'), `a syscall the filter allows failed: ${f.stdout.trim()}`);
  }),

  check('seccomp.errno-ret', 'errnoRet is the errno the filtered syscall returns', async (t) => {
    const spec = t.spec();
    spec.linux!.seccomp = filter('SCMP_ACT_ERRNO', { errnoRet: 77 });
    spec.process!.args = [PROBE, 'mkdir', '/tmp/conf-dir'];
    const f = await t.run(spec);
    t.assert(f.stdout.includes('mkdir /tmp/conf-dir errno=77'), `mkdir under the filter: ${f.stdout.trim()}`);
  }),

  check('seccomp.kill', 'SCMP_ACT_KILL kills the process on the listed syscall (SIGSYS)', async (t) => {
    const spec = t.spec();
    spec.linux!.seccomp = filter('SCMP_ACT_KILL');
    spec.process!.args = shArgs(`${PROBE} mkdir /tmp/conf-dir; echo status=$?`);
    const f = await t.run(spec);
    t.assert(f.stdout.includes('status=159'), `expected the probe to die of SIGSYS (status 159): ${f.stdout.trim()}`);
  }),

  check('seccomp.errno-ret-unsupported', 'errnoRet on an action that has no errno (SCMP_ACT_KILL) is an error', async (t) => {
    const spec = t.spec();
    spec.linux!.seccomp = filter('SCMP_ACT_KILL', { errnoRet: 5 });
    await t.createFails(spec);
  }),

  check('seccomp.listener', 'with SCMP_ACT_NOTIFY, the listener gets the process state and the seccomp fd (SCM_RIGHTS), once, then the connection closes', async (t) => {
    const recv = await t.receiveFds('seccomp');
    const spec = t.spec();
    spec.linux!.seccomp = { ...filter('SCMP_ACT_NOTIFY'), listenerPath: recv.socket, listenerMetadata: 'conformance-metadata' };
    const c = await t.create(spec);
    await Promise.race([recv.done, new Promise((r) => setTimeout(r, 5000))]);
    const meta = fs.existsSync(recv.meta) ? fs.readFileSync(recv.meta, 'utf8') : '';
    t.assert(meta, 'nothing arrived on listenerPath');
    t.assert(/^fds=1$/m.test(meta), `expected one descriptor: ${meta.split('\n')[0]}`);
    t.assert(/^fdlink=anon_inode:seccomp notify/m.test(meta), `the descriptor is not a seccomp notify fd: ${/fdlink=.*/.exec(meta)?.[0]}`);
    t.assert(/^closed=1$/m.test(meta), 'the runtime did not close the connection after sending the state');
    const payload = /^payload=(.*)$/m.exec(meta)?.[1] ?? '';
    let doc: Record<string, any>;
    try {
      doc = JSON.parse(payload);
    } catch {
      t.fail(`the payload is not one JSON document: ${payload.slice(0, 200)}`);
    }
    t.assert(typeof doc!.ociVersion === 'string', 'no ociVersion in the container process state');
    t.equal(JSON.stringify(doc!.fds), '["seccompFd"]', 'fds');
    t.assert(Number(doc!.pid) > 0, 'no pid in the container process state');
    t.equal(doc!.metadata, 'conformance-metadata', 'metadata');
    t.equal(doc!.state?.id, c.id, 'state.id');
    t.equal(doc!.state?.bundle, c.bundle.dir, 'state.bundle');
  }),

  check('seccomp.listener-unreachable', 'create fails when the listener socket cannot be reached', async (t) => {
    const spec = t.spec();
    spec.linux!.seccomp = { ...filter('SCMP_ACT_NOTIFY'), listenerPath: `${t.dir}/no-such.sock` };
    await t.createFails(spec);
  }),
];
