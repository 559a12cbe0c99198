// The npm package of the API as a consumer gets it: `npm run pack` (scripts/pack.js), installed
// offline into a fresh project (possible only because it has no dependencies and no install
// scripts), a TypeScript program type-checked against its .d.ts, then run: it builds a bundle
// with the package's default spec, runs a container with the binary the package ships
// (found by the API on its own) and reports a typed error.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { berth, repoRoot, rootfs } from '../helpers/berth.js';

const CONSUMER = `import fs from 'node:fs';
import path from 'node:path';
import { ContainerNotFoundError, Runtime, defaultSpec, type ContainerState, type Spec } from 'berth';

async function main(): Promise<void> {
  const [root, rootfs, bundle, id] = process.argv.slice(2) as [string, string, string, string];
  const spec: Spec = defaultSpec();
  spec.process!.terminal = false;
  spec.process!.args = ['sh', '-c', 'echo hello from $(hostname); exit 7'];
  spec.root = { path: rootfs, readonly: true };
  // @ts-expect-error: the Spec type is real (args are strings), not any
  spec.process!.args = 42;
  spec.process!.args = ['sh', '-c', 'echo hello from $(hostname); exit 7'];
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  const rt = new Runtime({ root });
  const result = await rt.run(id, { bundle });
  const states: ContainerState[] = await rt.list();
  let notFound = '';
  try {
    await rt.state('no-such-container');
  } catch (err) {
    if (err instanceof ContainerNotFoundError) notFound = err.id;
  }
  console.log(JSON.stringify({ binary: rt.binary, result, states, notFound }));
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

test('npm run pack: installs offline with no dependencies, type-checks, runs a container', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-pkg-'));
  const root = `/run/berth-test/${process.pid}-pkg`;
  const id = `berth-t-pkg-${process.pid}`;
  try {
    const tarball = execFileSync(process.execPath, [path.join(repoRoot, 'scripts/pack.js'), '--out', path.join(tmp, 'out')], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').pop()!;
    assert.match(path.basename(tarball), /^berth-\d+\.\d+\.\d+\.tgz$/);

    const project = path.join(tmp, 'consumer');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: project, encoding: 'utf8' });
    assert.is(install.status, 0, install.stderr);
    const installed = path.join(project, 'node_modules/berth');
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.equal([pkg.dependencies, pkg.scripts], [undefined, undefined], 'nothing to install, nothing run on install');
    assert.equal(fs.readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.')), ['berth'], 'no dependencies came along');
    assert.ok(fs.statSync(path.join(installed, 'dist/berth')).mode & 0o100, 'dist/berth is executable');
    assert.ok(fs.existsSync(path.join(installed, 'dist/berth.node')));
    assert.ok(fs.existsSync(path.join(installed, 'dist/berth-io.node')));
    assert.match(execFileSync(path.join(project, 'node_modules/.bin/berth'), ['--version'], { encoding: 'utf8' }), /^berth version /);

    fs.writeFileSync(path.join(project, 'main.ts'), CONSUMER);
    // docs/api.md's example must type-check against the package too (an ES module: .mts)
    const example = /```ts\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(repoRoot, 'docs/api.md'), 'utf8'))![1]!;
    fs.writeFileSync(path.join(project, 'example.mts'), example);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, esModuleInterop: true,
        outDir: 'out', typeRoots: [path.join(repoRoot, 'node_modules/@types')], types: ['node'],
      },
      files: ['main.ts', 'example.mts'],
    }));
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
    assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);

    const bundle = path.join(tmp, 'bundle');
    fs.mkdirSync(bundle);
    const run = spawnSync(process.execPath, [path.join(project, 'out/main.js'), root, rootfs(), bundle, id], { cwd: project, encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.is(report.binary, path.join(fs.realpathSync(installed), 'dist/berth'), 'the package finds its own executable');
    assert.equal(report.result, { status: 7, stdout: 'hello from berth\n', stderr: '' });
    assert.equal(report.states, [], 'run deleted the container');
    assert.is(report.notFound, 'no-such-container');
  } finally {
    berth(root, ['delete', '--force', id]);
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
