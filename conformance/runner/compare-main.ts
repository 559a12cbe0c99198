// npm run conformance:compare -- [--berth PATH] [--runc PATH] [--crun PATH] [--filter RE]
//                                [--out docs/conformance.md] [--json FILE]
// Runs the suite against berth, runc and crun one after the other on this host, writes the
// side-by-side report (docs/conformance.md by default), and exits 1 when a check that runc
// passes fails for berth (the CI gate). A missing dist/berth is an error said plainly.

import fs from 'node:fs';
import path from 'node:path';
import minimist from 'minimist';
import { repoRoot } from '../lib/suite.js';
import { regressions, renderMarkdown } from './markdown.js';
import { runSuite, type SuiteReport } from './suite-report.js';

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((p) => fs.existsSync(p));
}

export async function main(argv: string[]): Promise<number> {
  const args = minimist(argv, { string: ['berth', 'runc', 'crun', 'filter', 'out', 'json', 'parallel'], boolean: ['help'] });
  if (args.help) {
    console.log('usage: npm run conformance:compare -- [--berth PATH] [--runc PATH] [--crun PATH] [--filter RE] [--out FILE] [--json FILE]');
    return 0;
  }
  const berth = path.resolve(args.berth || path.join(repoRoot, 'dist/berth'));
  if (!fs.existsSync(berth)) {
    console.error(`conformance:compare: ${berth} does not exist, so there is nothing to compare.`);
    console.error('Build berth first (npm run build), or point --berth at a binary.');
    return 2;
  }
  const runc = args.runc || firstExisting(['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc']);
  const crun = args.crun || firstExisting(['/usr/bin/crun', '/usr/local/bin/crun']);
  if (!runc) {
    console.error('conformance:compare: runc not found (pass --runc PATH); the comparison needs it as the reference.');
    return 2;
  }
  const filter = args.filter ? new RegExp(args.filter) : undefined;
  const parallel = args.parallel ? Number(args.parallel) : undefined;
  const reports: SuiteReport[] = [];
  for (const runtime of [berth, runc, crun].filter((x): x is string => !!x)) {
    const name = path.basename(runtime);
    console.log(`\n== ${name}`);
    reports.push(await runSuite({ runtime, filter, parallel }, (line) => console.log(`[${name}] ${line}`)));
  }
  const out = path.resolve(args.out || path.join(repoRoot, 'docs/conformance.md'));
  fs.writeFileSync(out, renderMarkdown(reports, { filtered: !!filter }));
  if (args.json) fs.writeFileSync(path.resolve(args.json), `${JSON.stringify(reports, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
  for (const r of reports) console.log(`${r.runtime.name}: ${r.totals.passed} passed, ${r.totals.failed} failed, ${r.totals.skipped} skipped (${r.seconds} s)`);
  const gate = regressions(reports[0], reports[1]);
  if (gate.length) {
    console.log(`\n${gate.length} check(s) pass with runc but fail with berth:`);
    for (const g of gate) console.log(`  ${g.id}: ${g.reason ?? ''}`);
    return 1;
  }
  console.log('\nberth passes every check runc passes.');
  return 0;
}
