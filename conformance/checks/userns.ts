// config-linux.md "User namespace mappings".

import fs from 'node:fs';
import path from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { check, type Check } from '../lib/check.js';
import { PROBE, setNamespace, shArgs } from '../lib/spec.js';

export const USERNS_HOST_BASE = 100000;

/** Adds a user namespace mapping container ids 0..65535 to host ids 100000..165535. */
export function withUserNamespace(spec: Spec, size = 65536): Spec {
  setNamespace(spec, 'user');
  spec.linux!.uidMappings = [{ containerID: 0, hostID: USERNS_HOST_BASE, size }];
  spec.linux!.gidMappings = [{ containerID: 0, hostID: USERNS_HOST_BASE, size }];
  return spec;
}

function mapLines(text: string): string[] {
  return text.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')).filter(Boolean);
}

export const usernsChecks: Check[] = [
  check('userns.mappings', 'uidMappings and gidMappings become the uid_map and gid_map of the container', async (t) => {
    const spec = withUserNamespace(t.spec());
    spec.linux!.uidMappings = [
      { containerID: 0, hostID: USERNS_HOST_BASE, size: 1000 },
      { containerID: 1000, hostID: USERNS_HOST_BASE + 5000, size: 64536 },
    ];
    spec.linux!.gidMappings = [{ containerID: 0, hostID: USERNS_HOST_BASE + 1, size: 65535 }];
    spec.process!.args = shArgs('cat /proc/self/uid_map > /out/uid_map; cat /proc/self/gid_map > /out/gid_map');
    const f = await t.run(spec);
    const uid = mapLines(fs.readFileSync(path.join(f.bundle.out, 'uid_map'), 'utf8')).sort();
    const gid = mapLines(fs.readFileSync(path.join(f.bundle.out, 'gid_map'), 'utf8'));
    t.equal(uid.join(' | '), ['0 100000 1000', '1000 105000 64536'].sort().join(' | '), 'uid_map');
    t.equal(gid.join(' | '), '0 100001 65535', 'gid_map');
  }),

  check('userns.ids-mapped', 'the container root is host uid hostID: uid 0 inside, 100000 from the host', async (t) => {
    const spec = withUserNamespace(t.spec());
    spec.process!.args = [PROBE, 'wait-signal', '/out/sig'];
    const c = await t.create(spec);
    await t.start(c);
    const status = fs.readFileSync(`/proc/${c.pid}/status`, 'utf8');
    const uidLine = /^Uid:\s*(.*)$/m.exec(status)?.[1].split(/\s+/) ?? [];
    t.equal(uidLine[0], String(USERNS_HOST_BASE), 'real uid of the container process seen from the host');
    await t.rt.kill(c.id, 'KILL');
  }),

  check('userns.no-chown', 'the runtime does not change the ownership of the rootfs to realise the mapping', async (t) => {
    const spec = withUserNamespace(t.spec());
    const f = await t.run(spec);
    for (const rel of ['.', 'bin', 'bin/busybox', 'etc/passwd', 'conf/probe']) {
      const st = fs.statSync(path.join(f.bundle.rootfs, rel));
      t.assert(st.uid === 0 && st.gid === 0, `${rel} in the rootfs is now owned by ${st.uid}:${st.gid}`);
    }
  }),
];
