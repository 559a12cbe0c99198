// A PlanInput for plan unit tests: the facts of an imaginary host (every path a directory,
// except /etc/hosts, a file, and anything under /missing, absent), no open fds, no hooks.

import type { PlanInput } from '../../src/plan/build.js';
import type { Spec } from '../../src/spec/types.js';

export function planInput(spec: Spec, extra: Partial<PlanInput> = {}): PlanInput {
  return {
    id: 'c1',
    spec,
    bundle: '/b',
    rootfs: '/b/rootfs',
    facts: { isDirectory: (p) => (p === '/etc/hosts' ? false : p.startsWith('/missing') ? undefined : true), lastCap: 40 },
    namespaceFds: new Map(),
    cgroupFd: -1,
    cgroupViews: [],
    execFifoFd: 9,
    noPivot: false,
    noNewKeyring: false,
    preservedFds: 0,
    extraEnv: [],
    createHooks: false,
    warn: () => {},
    ...extra,
  };
}
