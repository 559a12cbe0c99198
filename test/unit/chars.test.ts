// The loops that replace regexes on the short commands' path (src/sys/chars.ts says why)
// accept exactly what the regexes did: checked against the regexes themselves.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isDigits } from '../../src/sys/chars.js';
import { isValidId } from '../../src/state/id.js';

const SAMPLES = ['', '0', '42', '007', ' 1', '1 ', '1a', 'a1', '-1', '+1', '1.5', '１', '٣', '\n1', '1\n', '99999999999999999999'];

test('isDigits accepts what /^\\d+$/ accepts', () => {
  for (const s of SAMPLES) assert.is(isDigits(s), /^\d+$/.test(s), JSON.stringify(s));
  for (let c = 0; c < 256; c++) {
    const s = String.fromCharCode(c);
    assert.is(isDigits(s), /^\d+$/.test(s), `char ${c}`);
  }
});

test('ids: every character below 256 (and a few beyond) is allowed exactly when runc\'s set has it', () => {
  const chars = [...Array(256).keys()].map((c) => String.fromCharCode(c)).concat(['é', '１', '\u2028', '😀']);
  for (const ch of chars) {
    const expected = /^[A-Za-z0-9_+.-]+$/.test(ch) && ch !== '.';
    assert.is(isValidId(ch), expected, `${JSON.stringify(ch)} alone`);
    assert.is(isValidId(`a${ch}b`), /^[A-Za-z0-9_+.-]+$/.test(ch), `${JSON.stringify(ch)} inside`);
  }
});

test.run();
