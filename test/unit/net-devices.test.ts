import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addressesToKeep } from '../../src/container/net-devices.js';
import type { NetdevAddress } from '../../src/sys/native.js';

const addr = (scope: number, flags: number): NetdevAddress => ({ family: 2, prefixlen: 24, scope, flags, local: null, address: new Uint8Array([192, 0, 2, 1]), broadcast: null });

test('only permanent addresses of global scope travel, with only the flags a request may carry', () => {
  const global = addr(0, 0x80 | 0x40 /* TENTATIVE */ | 0x200 /* NOPREFIXROUTE */);
  const link = addr(253, 0x80);
  const dynamic = addr(0, 0);
  assert.equal(addressesToKeep([global, link, dynamic]), [{ ...global, flags: 0x80 | 0x200 }]);
});

test.run();
