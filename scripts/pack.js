#!/usr/bin/env node
// `npm run pack`: the npm package of berth for Node tools, a tarball with no install scripts
// and no dependencies (the repository's own package.json builds the addon on install and
// needs minimist at runtime; a consumer needs neither: dist/berth is self-contained).
//   node scripts/pack.js [--out DIR]     (default DIR: build/) prints the tarball's path
// Stages into build/package/: dist/berth and its addons dist/berth.node and dist/berth-io.node (run `npm run build` first), the
// API compiled by tsc (tsconfig.api.json: src/api and the files it imports, with .d.ts) as
// lib/, a generated package.json and README, then runs `npm pack` there.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outArg = process.argv.indexOf('--out');
const outDir = path.resolve(outArg > 0 ? process.argv[outArg + 1] : path.join(root, 'build'));
const stage = path.join(root, 'build/package');
const libOut = path.join(root, 'build/api-lib');
const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

for (const f of ['dist/berth', 'dist/berth.node', 'dist/berth-io.node']) {
  if (!fs.existsSync(path.join(root, f))) {
    console.error(`pack: ${f} is missing; run \`npm run build\` first`);
    process.exit(1);
  }
}

fs.rmSync(stage, { recursive: true, force: true });
fs.rmSync(libOut, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.api.json')], { cwd: root, stdio: 'inherit' });

fs.mkdirSync(path.join(stage, 'dist'), { recursive: true });
fs.cpSync(libOut, path.join(stage, 'lib'), { recursive: true });
fs.copyFileSync(path.join(root, 'dist/berth'), path.join(stage, 'dist/berth'));
fs.chmodSync(path.join(stage, 'dist/berth'), 0o755);
for (const addon of ['dist/berth.node', 'dist/berth-io.node']) fs.copyFileSync(path.join(root, addon), path.join(stage, addon));
fs.copyFileSync(path.join(root, 'docs/api.md'), path.join(stage, 'README.md'));

const pkg = {
  name: rootPkg.name,
  version: rootPkg.version,
  description: rootPkg.description,
  license: rootPkg.license,
  os: ['linux'],
  cpu: ['x64'],
  engines: rootPkg.engines,
  main: 'lib/api/index.js',
  types: 'lib/api/index.d.ts',
  exports: {
    '.': { types: './lib/api/index.d.ts', default: './lib/api/index.js' },
    './package.json': './package.json',
  },
  bin: { berth: 'dist/berth' },
  files: ['dist/berth', 'dist/berth.node', 'dist/berth-io.node', 'lib/', 'README.md'],
};
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

fs.mkdirSync(outDir, { recursive: true });
// --ignore-scripts: the staged package has none, and npm must not look for the root's.
const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' });
console.log(path.join(outDir, out.trim().split('\n').pop()));
