// config-linux.md "Sysctl".

import fs from 'node:fs';
import { check, type Check } from '../lib/check.js';
import { shArgs } from '../lib/spec.js';

export const sysctlChecks: Check[] = [
  check('sysctl.net', 'a net.* sysctl is set in the container network namespace (the host keeps its value)', async (t) => {
    const host = fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
    const want = host === '1' ? '0' : '1';
    const spec = t.spec();
    spec.linux!.sysctl = { 'net.ipv4.ip_forward': want };
    spec.process!.args = shArgs('cat /proc/sys/net/ipv4/ip_forward');
    const f = await t.run(spec);
    t.equal(f.stdout.trim(), want, 'net.ipv4.ip_forward inside');
    t.equal(fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), host, 'net.ipv4.ip_forward on the host');
  }),

  check('sysctl.ipc', 'a kernel.* IPC sysctl is set in the container ipc namespace', async (t) => {
    const spec = t.spec();
    spec.linux!.sysctl = { 'kernel.msgmax': '12345', 'kernel.shmmni': '1234' };
    spec.process!.args = shArgs('cat /proc/sys/kernel/msgmax /proc/sys/kernel/shmmni');
    const f = await t.run(spec);
    t.equal(f.stdout.trim().split('\n').join(' '), '12345 1234', 'kernel.msgmax and kernel.shmmni inside');
  }),
];
