// Every JSON document berth reads gets the same nesting cap and syntax report as config.json:
// `exec --process FILE` and `update --resources FILE` (or "-") too. JSON.parse's time grows
// faster than the text with nesting, so a deep text is refused before it is parsed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main, type MainIo } from '../../src/cli/main.js';
import { readProcessFile } from '../../src/container/exec.js';
import { BerthError } from '../../src/errors.js';
import { MAX_NESTING, parseJsonDocument } from '../../src/spec/json-syntax.js';

const deep = (levels: number) => `{"args":["true"],"env":${'['.repeat(levels)}1${']'.repeat(levels)}}`;

function tempFile(text: string): { file: string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-json-doc-'));
  const file = path.join(dir, 'doc.json');
  fs.writeFileSync(file, text);
  return { file, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('parseJsonDocument: past the cap refused with line and column, the cap itself parsed', () => {
  const refuse = (reason: string) => new BerthError(`doc: ${reason}`);
  assert.throws(() => parseJsonDocument(deep(MAX_NESTING), refuse),
    (err: Error) => err instanceof BerthError && /^doc: is not usable JSON: line 1, column \d+: containers are nested more than 1000 levels deep$/.test(err.message));
  assert.ok(parseJsonDocument(deep(MAX_NESTING - 1), refuse), 'the object and 999 arrays are 1000 levels: fine');
  assert.throws(() => parseJsonDocument('{\n "a": }', refuse), (err: Error) => err.message === 'doc: is not valid JSON: line 2, column 7: expected a value, found "}"');
});

test('exec --process FILE: a text nested past the cap is refused naming the file', () => {
  const t = tempFile(deep(200_000));
  try {
    assert.throws(() => readProcessFile(t.file),
      (err: Error) => err instanceof BerthError && err.message.startsWith(`--process ${t.file}: is not usable JSON: line 1, column `) && err.message.endsWith('nested more than 1000 levels deep'));
  } finally {
    t.done();
  }
});

test('update --resources FILE: a text nested past the cap is refused naming the file, before any container is looked at', async () => {
  // The object is level 1, so the bracket past the cap is the 1000th "[", at column 10 + 1000.
  const t = tempFile(`{"memory":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
  const root = path.join(path.dirname(t.file), 'root');
  let err = '';
  const io: MainIo = { out: () => {}, err: (s) => { err += s; }, cwd: () => '/', stderrIsTTY: false };
  try {
    const code = await main(['--root', root, 'update', '--resources', t.file, 'c1'], io);
    assert.is.not(code, 0);
    assert.match(err, `--resources ${t.file}: is not usable JSON: line 1, column ${10 + MAX_NESTING}: containers are nested more than 1000 levels deep`);
    assert.not.ok(fs.existsSync(root), 'no state root made');
  } finally {
    t.done();
  }
});

test.run();
