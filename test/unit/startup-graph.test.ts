// What the executable's first entry point holds: every berth command pays for deserializing
// it at start-up, so it must not carry what only the container-changing commands need (the
// schema validators, config validation, the plan builder, seccomp, the host report, the cgroup
// limits and statistics), nor load a node: built-in (Bun compiles each at first use). Bundles
// both entry points with the same Bun, entry points and external specifier as
// scripts/build-exe.js (without --compile, minification or bytecode, so Bun's per-module
// comments name what each output holds) and reads the module list of each.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.resolve(__dirname, '../../..');
const build = require(path.join(root, 'scripts/build-exe.js')) as { ENTRY_POINTS: string[]; HEAVY_SPECIFIER: string; bunBinary: () => string };

interface Output {
  modules: string[];
  /** module -> its text */
  text: Map<string, string>;
}

function bundle(): { light: Output; heavy: Output } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unit-graph-'));
  try {
    const bun = build.bunBinary();
    const r = spawnSync(bun, ['build', '--target=bun', '--format=cjs', '--external', build.HEAVY_SPECIFIER, ...build.ENTRY_POINTS, '--outdir', out], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.is(r.status, 0, r.stderr);
    const read = (file: string): Output => {
      const text = new Map<string, string>();
      let current = '';
      for (const line of fs.readFileSync(path.join(out, file), 'utf8').split('\n')) {
        const m = /^\/\/ (src\/\S+)$/.exec(line);
        if (m) current = m[1]!;
        if (current) text.set(current, (text.get(current) ?? '') + line + '\n');
      }
      return { modules: [...text.keys()], text };
    };
    return { light: read('main.js'), heavy: read('heavy-commands.js') };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const { light, heavy } = bundle();
const HEAVY_ONLY = [/^src\/cgroups\/(stats\/|resources\/(?!files\.ts)|build\.ts|detect\.ts|path\.ts|v1\.ts|v2\.ts|index\.ts)/, /^src\/spec\/(generated\/|validate|load|semantic|rules\/|json-syntax)/, /^src\/plan\//, /^src\/seccomp\//, /^src\/host\//, /^src\/container\/(create|exec|run)\.ts$/];

test('the output names its modules (the other checks would pass on an empty list)', () => {
  assert.ok(light.modules.includes('src/cli/main.ts'), light.modules.join(' '));
  assert.ok(light.modules.includes('src/cli/commands/state.ts'));
  assert.ok(heavy.modules.includes('src/spec/generated/validators.js'), heavy.modules.join(' '));
  assert.ok(heavy.modules.includes('src/container/create.ts'));
});

test('state, kill, list, delete and start are in the first entry point, without validators, plan, seccomp, host report or the cgroup limits and statistics', () => {
  for (const c of ['state', 'kill', 'list', 'delete', 'start']) assert.ok(light.modules.includes(`src/cli/commands/${c}.ts`), c);
  assert.not.ok(heavy.modules.includes('src/cli/commands/start.ts'), 'start: only in the first entry point');
  const misplaced = light.modules.filter((m) => HEAVY_ONLY.some((re) => re.test(m)));
  assert.equal(misplaced, []);
});

test('the commands that create or change containers are only in the second entry point', () => {
  for (const c of ['create', 'exec', 'run', 'ps', 'pause', 'resume', 'update', 'events', 'spec', 'features', 'check']) {
    assert.not.ok(light.modules.includes(`src/cli/commands/${c}.ts`), c);
    assert.ok(heavy.modules.includes(`src/cli/commands/${c}.ts`), c);
  }
});

test('in the first entry point only the hook runner needs node:child_process, and nothing loads it eagerly (delete and start import it for poststop and poststart hooks only)', () => {
  const users = light.modules.filter((m) => /require\("(node:)?child_process"\)|from "(node:)?child_process"/.test(light.text.get(m)!));
  assert.equal(users, ['src/hooks/run.ts']);
  // Bun wraps a lazily loaded module in `var init_x = __esm(...)`; a static import of it is a
  // bare `init_x();` line in the importer's own init, a dynamic one `(init_x(), exports_x)`.
  const init = /var (init_\w+) = __esm\(/.exec(light.text.get('src/hooks/run.ts')!)?.[1];
  assert.ok(init, 'hooks/run.ts is wrapped for lazy loading');
  const eager = light.modules.filter((m) => new RegExp(`^\\s*${init}\\(\\);\\s*$`, 'm').test(light.text.get(m)!));
  assert.equal(eager, []);
});

test('the first entry point loads no node: built-in (Bun compiles each at first use: node:fs ~10 ms), but node:child_process for poststop hooks', () => {
  const builtins = new Map<string, string[]>();
  for (const m of light.modules) {
    for (const [, name] of light.text.get(m)!.matchAll(/require\("(?:node:)?([a-z_/]+)"\)/g)) builtins.set(name!, [...(builtins.get(name!) ?? []), m]);
  }
  assert.equal([...builtins.keys()], ['child_process'], JSON.stringify(Object.fromEntries(builtins)));
});

test('run and create reach no node:tty, node:os or node:path, and node:tty only through the console proxy, loaded when there is a pty', () => {
  const users = (name: string) => heavy.modules.filter((m) => new RegExp(`require\\("(?:node:)?${name}"\\)`).test(heavy.text.get(m)!));
  assert.equal(users('os'), [], 'node:os (~0.5 ms of CPU in the executable)');
  assert.equal(users('path'), [], 'node:path (~2 ms): the heavy modules use sys/posix-path.ts');
  assert.equal(users('tty'), ['src/container/console-proxy.ts'], 'node:tty (~6 ms) only for a proxied terminal');
  // As for the hook runner above: a static import of console-proxy.ts would be a bare
  // `init_x();` line in its importer's init; run.ts and exec.ts import it only when a pty exists.
  const init = /var (init_\w+) = __esm\(/.exec(heavy.text.get('src/container/console-proxy.ts')!)?.[1];
  assert.ok(init, 'console-proxy.ts is wrapped for lazy loading');
  const eager = heavy.modules.filter((m) => new RegExp(`^\\s*${init}\\(\\);\\s*$`, 'm').test(heavy.text.get(m)!));
  assert.equal(eager, []);
});

/**
 * The heavy modules that running the commands can load: their command modules and everything it
 * initializes, eagerly (a bare `init_x();` in an init) or through an import() (`init_x()` in a
 * function), followed transitively. A superset of what a given run loads.
 */
function reachableFrom(commands: string[]): Set<string> {
  const moduleOfInit = new Map<string, string>();
  for (const m of heavy.modules) {
    const init = /var (init_\w+) = __esm\(/.exec(heavy.text.get(m)!)?.[1];
    if (init) moduleOfInit.set(init, m);
  }
  const seen = new Set<string>();
  const todo = commands.map((c) => `src/cli/commands/${c}.ts`);
  while (todo.length) {
    const m = todo.pop()!;
    if (seen.has(m)) continue;
    seen.add(m);
    for (const [, init] of heavy.text.get(m)!.matchAll(/\b(init_\w+)\(\)/g)) {
      const dep = moduleOfInit.get(init!);
      if (dep && !seen.has(dep)) todo.push(dep);
    }
  }
  return seen;
}

// (`start` lives in the first entry point, which requires no node: built-in at all: checked above.)
test('run and create load no node:fs with their modules: only sys/node-fs.ts requires it, at first use (~4-5 ms of CPU)', () => {
  const reached = reachableFrom(['run', 'create']);
  for (const m of ['src/container/create.ts', 'src/container/start.ts', 'src/spec/load.ts', 'src/container/host-facts.ts', 'src/seccomp/cache.ts']) assert.ok(reached.has(m), m);
  // A static import becomes `import_x = __toESM(require("fs"))` in the module's init, or at the
  // top of the output for a module Bun does not wrap.
  const eager = /import_\w+ = (?:__toESM\()?require\("(?:node:)?fs"\)/;
  assert.equal([...reached].filter((m) => eager.test(heavy.text.get(m)!)), []);
  assert.not.ok(/^var import_\w+ = (?:__toESM\()?require\("(?:node:)?fs"\)/m.test([...heavy.text.values()].join('')), 'at the top of the output');
  const users = [...reached, 'src/sys/node-fs.ts'].filter((m) => /require\("(?:node:)?fs"\)/.test(heavy.text.get(m) ?? ''));
  assert.equal(users, ['src/sys/node-fs.ts']);
  assert.match(heavy.text.get('src/sys/node-fs.ts')!, /=> require\("(?:node:)?fs"\)/, 'inside a function');
});

test('the hook runner loads node:child_process at its first hook, not with its module', () => {
  const text = heavy.text.get('src/hooks/run.ts')!;
  assert.ok(/require\("(?:node:)?child_process"\)/.test(text), 'the hook runner still uses node:child_process');
  // A static import becomes `import_x = require("child_process")` in the module's init.
  assert.not.ok(/import_\w+ = (?:__toESM\()?require\("(?:node:)?child_process"\)/.test(text), 'not with the module\'s init');
});

test('an error from the other entry point\'s copy of errors.ts is still a BerthError to main (no stack under --debug)', () => {
  const errorsJs = path.join(root, 'build/src/errors.js');
  const ours = require(errorsJs) as typeof import('../../src/errors.js');
  const key = require.resolve(errorsJs);
  const cached = require.cache[key];
  delete require.cache[key];
  const theirs = require(errorsJs) as typeof import('../../src/errors.js');
  require.cache[key] = cached; // the other test files keep the one copy
  const err = new theirs.ConfigError('/process', 'missing');
  assert.not.ok(err instanceof ours.BerthError, 'two copies, as in the executable');
  assert.ok(ours.isBerthError(err));
  assert.not.ok(ours.isBerthError(new Error('plain')));
  assert.not.ok(ours.isBerthError(undefined));
});

test.run();
