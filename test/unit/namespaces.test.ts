import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { CLONE } from '../../src/plan/linux-constants.js';
import { decideNamespaces } from '../../src/plan/namespaces.js';
import type { Namespace } from '../../src/spec/types.js';
import { minimalSpec } from '../helpers/specs.js';

const withNamespaces = (namespaces: Namespace[]) => minimalSpec({ linux: { namespaces } });

test('a new user namespace is created by clone3, the others after it', () => {
  const d = decideNamespaces(withNamespaces([{ type: 'user' }, { type: 'pid' }, { type: 'mount' }]), false);
  assert.is(d.cloneFlags, CLONE.NEWUSER | CLONE.NEWPID | CLONE.NEWNS);
  assert.equal(d.joins, []);
});

test('a new user namespace with any other namespace joined by path is refused, naming the join (the kernel would refuse the setns)', () => {
  for (const type of ['pid', 'network', 'ipc', 'mount'] as const) {
    const spec = withNamespaces([{ type: 'user' }, { type: 'uts' }, { type, path: '/proc/42/ns/x' }]);
    assert.throws(() => decideNamespaces(spec, false), (e: unknown) =>
      e instanceof ConfigError && e.jsonPath === '/linux/namespaces/2' && e.detail.startsWith(`the ${type} namespace /proc/42/ns/x cannot be joined together with a new user namespace`));
  }
});

test('a joined user namespace may come with joined namespaces of its own', () => {
  const d = decideNamespaces(withNamespaces([{ type: 'user', path: '/proc/42/ns/user' }, { type: 'pid', path: '/proc/42/ns/pid' }, { type: 'mount' }]), false);
  assert.equal(d.joins.map((j) => j.type), ['user', 'pid']);
  assert.ok(d.fork);
});

test.run();
