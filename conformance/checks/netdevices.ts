// config-linux.md "Network Devices": host devices moved into the container network namespace.
// The devices are veth pairs the suite makes over rtnetlink (conformance/helpers/netdev.c).

import fs from 'node:fs';
import { check, type Check } from '../lib/check.js';
import { waitFor } from '../lib/exec.js';
import { shArgs } from '../lib/spec.js';

const ADDRESS = '192.0.2.10/24';

const hostHas = (name: string) => fs.existsSync(`/sys/class/net/${name}`);

export const netDeviceChecks: Check[] = [
  check('netdevices.move', 'a listed device is moved into the container network namespace under its new name', async (t) => {
    const { name } = await t.hostVeth();
    const spec = t.spec();
    spec.linux!.netDevices = { [name]: { name: 'conf-eth' } };
    spec.process!.args = shArgs('ls /sys/class/net');
    const c = await t.create(spec);
    t.assert(!hostHas(name), `${name} is still in the host network namespace after create`);
    await t.start(c);
    await t.waitStopped(c);
    const inside = fs.readFileSync(c.create.stdoutFile, 'utf8').split(/\s+/);
    t.assert(inside.includes('conf-eth'), `no conf-eth in the container: ${inside.join(' ')}`);
  }),

  check('netdevices.keep-name', 'a device without a new name keeps its host name inside', async (t) => {
    const { name } = await t.hostVeth();
    const spec = t.spec();
    spec.linux!.netDevices = { [name]: {} };
    spec.process!.args = shArgs('ls /sys/class/net');
    const f = await t.run(spec);
    t.assert(f.stdout.split(/\s+/).includes(name), `no ${name} in the container: ${f.stdout.trim()}`);
  }),

  check('netdevices.up-with-addresses', 'a moved device is up and keeps its permanent global addresses', async (t) => {
    const { name } = await t.hostVeth(ADDRESS);
    const spec = t.spec();
    spec.linux!.netDevices = { [name]: { name: 'conf-eth' } };
    spec.process!.args = shArgs('cat /sys/class/net/conf-eth/flags; ip -o -4 addr show dev conf-eth');
    const f = await t.run(spec);
    const [flags, ...addr] = f.stdout.trim().split('\n');
    t.assert(flags && (Number(flags) & 1) === 1, `conf-eth is not up (flags ${flags})`);
    t.assert(addr.join(' ').includes(ADDRESS), `the address ${ADDRESS} did not come along: ${addr.join(' ') || 'no address'}`);
  }),

  check('netdevices.name-taken', 'moving a device onto a name already used in the container (lo) is an error', async (t) => {
    const { name } = await t.hostVeth();
    const spec = t.spec();
    spec.linux!.netDevices = { [name]: { name: 'lo' } };
    await t.createFails(spec);
  }),

  check('netdevices.not-moved-back', 'the runtime does not move a device back to the host when the container goes', async (t) => {
    const { name, peer } = await t.hostVeth();
    const spec = t.spec();
    spec.linux!.netDevices = { [name]: { name: 'conf-eth' } };
    await t.run(spec);
    // A veth end dies with the namespace and takes its peer along (the kernel cleans network
    // namespaces up asynchronously, hence the wait); one moved back would still be here.
    t.assert(!hostHas(name) && !hostHas('conf-eth'), 'the device is in the host network namespace after delete (moved back, or never moved)');
    const peerGone = await waitFor(() => !hostHas(peer), 5000, 50);
    t.assert(peerGone, `the peer ${peer} survived: its other end must still exist somewhere`);
  }),
];
