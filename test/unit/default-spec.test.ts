// `berth spec` writes what `runc spec` writes, byte for byte once formatted alike, except the two
// values docs/cli.md lists (ociVersion, hostname). test/fixtures holds runc 1.1.5's own output
// (`runc spec` and `runc spec --rootless`, run as root, so the mappings name uid and gid 0).

import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultSpec } from '../../src/cli/default-spec.js';
import { schemaValidators } from '../../src/spec/validate.js';
import { checkSemantics } from '../../src/spec/semantic.js';

const fixtures = path.resolve(__dirname, '../../../test/fixtures');

/** runc's document with the values berth differs in on purpose set to berth's. */
function runcsWithBerthDifferences(file: string): string {
  const runc = JSON.parse(fs.readFileSync(path.join(fixtures, file), 'utf8'));
  assert.is(runc.ociVersion, '1.0.2-dev');
  assert.is(runc.hostname, 'runc');
  runc.ociVersion = '1.3.0';
  runc.hostname = 'berth';
  return JSON.stringify(runc, null, '\t');
}

test('berth spec is runc spec, in member order too, except ociVersion and hostname', () => {
  assert.fixture(JSON.stringify(defaultSpec(), null, '\t'), runcsWithBerthDifferences('runc-1.1.5-spec.json'));
});

test('berth spec --rootless is runc spec --rootless, with the caller\'s ids in the mappings', () => {
  assert.fixture(JSON.stringify(defaultSpec({ rootless: { uid: 0, gid: 0 } }), null, '\t'), runcsWithBerthDifferences('runc-1.1.5-spec-rootless.json'));
  const mine = defaultSpec({ rootless: { uid: 1000, gid: 1001 } });
  assert.equal(mine.linux!.uidMappings, [{ containerID: 0, hostID: 1000, size: 1 }]);
  assert.equal(mine.linux!.gidMappings, [{ containerID: 0, hostID: 1001, size: 1 }]);
});

test('both starter configs are valid; the only warnings are the ambient capabilities', () => {
  for (const spec of [defaultSpec(), defaultSpec({ rootless: { uid: 0, gid: 0 } })]) {
    assert.ok(schemaValidators.validateConfig(spec));
    for (const w of checkSemantics(spec)) assert.match(w.jsonPath, /^\/process\/capabilities\/ambient/);
  }
});

test.run();
