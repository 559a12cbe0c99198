// config.md "Linux Process": capabilities. What a process holds after execve follows the
// kernel's rules (capabilities(7)): bounding and inheritable sets stay as the runtime left
// them; a root process gets permitted = effective = bounding | inheritable; a non-root
// process keeps only its ambient set in permitted and effective.

import type { Capabilities } from '../../src/spec/types.js';
import { check, type Check } from '../lib/check.js';
import type { CheckContext } from '../lib/context.js';
import { capMask, describeCaps, parseCapHex } from '../lib/caps.js';
import type { ProbeReport } from '../lib/report.js';

type SetName = 'CapBnd' | 'CapInh' | 'CapPrm' | 'CapEff' | 'CapAmb';

function expectSet(t: CheckContext, r: ProbeReport, set: SetName, want: bigint): void {
  const got = parseCapHex(r.get(`status.${set}`));
  if (got === undefined) t.fail(`no ${set} line in /proc/self/status`);
  else if (got !== want) t.fail(`${set}: expected ${describeCaps(want)}, got ${describeCaps(got)}`);
}

function withCaps(t: CheckContext, caps: Capabilities, uid = 0) {
  const spec = t.spec();
  spec.process!.capabilities = caps;
  spec.process!.user = { uid, gid: uid };
  return spec;
}

export const capabilityChecks: Check[] = [
  check('caps.bounding', 'capabilities.bounding is the bounding set of the process', async (t) => {
    const bnd = ['CAP_KILL', 'CAP_CHOWN', 'CAP_NET_RAW'];
    const r = await t.probe(withCaps(t, { bounding: bnd, permitted: bnd, effective: bnd }));
    expectSet(t, r, 'CapBnd', capMask(bnd));
  }),

  check('caps.inheritable', 'capabilities.inheritable is the inheritable set of the process', async (t) => {
    const bnd = ['CAP_KILL', 'CAP_CHOWN', 'CAP_NET_RAW'];
    const inh = ['CAP_KILL', 'CAP_NET_RAW'];
    const r = await t.probe(withCaps(t, { bounding: bnd, permitted: bnd, effective: bnd, inheritable: inh }));
    expectSet(t, r, 'CapInh', capMask(inh));
  }),

  check('caps.root-exec', 'a root process ends with permitted = effective = bounding | inheritable (execve rules)', async (t) => {
    const bnd = ['CAP_KILL', 'CAP_CHOWN', 'CAP_SETUID'];
    const inh = ['CAP_KILL'];
    const r = await t.probe(withCaps(t, { bounding: bnd, permitted: ['CAP_KILL'], effective: ['CAP_KILL'], inheritable: inh }));
    expectSet(t, r, 'CapPrm', capMask(bnd) | capMask(inh));
    expectSet(t, r, 'CapEff', capMask(bnd) | capMask(inh));
  }),

  check('caps.ambient', 'capabilities.ambient gives a non-root process those capabilities across execve', async (t) => {
    const set = ['CAP_NET_BIND_SERVICE', 'CAP_KILL'];
    const amb = ['CAP_NET_BIND_SERVICE'];
    const r = await t.probe(withCaps(t, { bounding: set, permitted: set, effective: set, inheritable: set, ambient: amb }, 1000));
    expectSet(t, r, 'CapAmb', capMask(amb));
    expectSet(t, r, 'CapPrm', capMask(amb));
    expectSet(t, r, 'CapEff', capMask(amb));
    expectSet(t, r, 'CapInh', capMask(set));
  }),

  check('caps.ambient-needs-permitted', 'an ambient capability missing from permitted is not granted', async (t) => {
    const set = ['CAP_NET_BIND_SERVICE', 'CAP_KILL'];
    const r = await t.probe(withCaps(t, { bounding: set, permitted: ['CAP_KILL'], effective: ['CAP_KILL'], inheritable: set, ambient: ['CAP_NET_BIND_SERVICE'] }, 1000));
    expectSet(t, r, 'CapAmb', 0n);
    expectSet(t, r, 'CapPrm', 0n);
  }),

  check('caps.non-root-none', 'a non-root process without ambient capabilities holds none after execve', async (t) => {
    const set = ['CAP_NET_BIND_SERVICE', 'CAP_KILL', 'CAP_CHOWN'];
    const r = await t.probe(withCaps(t, { bounding: set, permitted: set, effective: set }, 1000));
    expectSet(t, r, 'CapPrm', 0n);
    expectSet(t, r, 'CapEff', 0n);
    expectSet(t, r, 'CapBnd', capMask(set));
  }),

  check('caps.empty', 'empty capability lists drop everything, the bounding set included', async (t) => {
    const r = await t.probe(withCaps(t, { bounding: [], permitted: [], effective: [], inheritable: [], ambient: [] }));
    for (const set of ['CapBnd', 'CapInh', 'CapPrm', 'CapEff', 'CapAmb'] as const) expectSet(t, r, set, 0n);
  }),

  check('caps.unknown-warns', 'an unknown capability name does not make the runtime fail (a warning at most)', async (t) => {
    const bnd = ['CAP_KILL', 'CAP_CONFORMANCE_UNKNOWN'];
    const spec = withCaps(t, { bounding: bnd, permitted: bnd, effective: bnd });
    const r = await t.probe(spec);
    expectSet(t, r, 'CapBnd', capMask(['CAP_KILL']));
  }),

  check('caps.unavailable-warns', 'a capability the host cannot grant does not make the runtime fail', async (t) => {
    const missing = ['CAP_SYS_RESOURCE', 'CAP_SYS_MODULE', 'CAP_MAC_ADMIN', 'CAP_BPF'].find((c) => (t.env.hostBounding & capMask([c])) === 0n);
    if (!missing) t.skip('this host can grant every capability the check would ask for');
    const bnd = ['CAP_KILL', missing!];
    const r = await t.probe(withCaps(t, { bounding: bnd, permitted: bnd, effective: bnd }));
    expectSet(t, r, 'CapBnd', capMask(['CAP_KILL']));
  }),
];
