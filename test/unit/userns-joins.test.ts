import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { refuseJoinsWithNewUserNamespace } from '../../src/container/userns-joins.js';
import { ConfigError } from '../../src/errors.js';
import type { Namespace } from '../../src/spec/types.js';
import { minimalSpec } from '../helpers/specs.js';

const withNamespaces = (namespaces: Namespace[]) => minimalSpec({ linux: { namespaces } });

test('a new user namespace with another namespace joined by path is refused, naming the join (the kernel would refuse the setns)', () => {
  for (const type of ['pid', 'network', 'ipc', 'mount'] as const) {
    const spec = withNamespaces([{ type: 'user' }, { type: 'uts' }, { type, path: '/proc/42/ns/x' }]);
    assert.throws(() => refuseJoinsWithNewUserNamespace(spec), (e: unknown) =>
      e instanceof ConfigError && e.jsonPath === '/linux/namespaces/2' && e.detail.startsWith(`the ${type} namespace /proc/42/ns/x cannot be joined together with a new user namespace`));
  }
});

test('new namespaces alone, or joins with a joined or no user namespace, are fine', () => {
  refuseJoinsWithNewUserNamespace(withNamespaces([{ type: 'user' }, { type: 'pid' }, { type: 'mount' }]));
  refuseJoinsWithNewUserNamespace(withNamespaces([{ type: 'user', path: '/proc/42/ns/user' }, { type: 'pid', path: '/proc/42/ns/pid' }]));
  refuseJoinsWithNewUserNamespace(withNamespaces([{ type: 'pid', path: '/proc/42/ns/pid' }, { type: 'mount' }]));
});

test.run();
