// npm run conformance -- [--runtime PATH] [--filter RE] [--json FILE] [--parallel N]
//                        [--timeout SECONDS] [--oci-version V] [--no-wrap] [--list]
// Runs every check against one runtime and prints a table and the closing line
// "N passed, N failed, N skipped". Exit status 1 when a check failed or something leaked.

import fs from 'node:fs';
import path from 'node:path';
import minimist from 'minimist';
import { allChecks } from '../checks/index.js';
import { repoRoot } from '../lib/suite.js';
import { runSuite } from './suite-report.js';

export async function main(argv: string[]): Promise<number> {
  const args = minimist(argv, {
    string: ['runtime', 'filter', 'json', 'oci-version', 'parallel', 'timeout'],
    boolean: ['no-wrap', 'list', 'quiet', 'help'],
    alias: { r: 'runtime', f: 'filter', h: 'help' },
  });
  if (args.help) {
    console.log('usage: npm run conformance -- [--runtime PATH] [--filter RE] [--json FILE] [--parallel N] [--timeout S] [--oci-version V] [--no-wrap] [--list]');
    return 0;
  }
  const filter = args.filter ? new RegExp(args.filter) : undefined;
  if (args.list) {
    for (const c of allChecks) if (!filter || filter.test(c.id)) console.log(`${c.id}  ${c.title}`);
    return 0;
  }
  const runtime = path.resolve(args.runtime || path.join(repoRoot, 'dist/berth'));
  if (!fs.existsSync(runtime)) {
    console.error(`conformance: runtime ${runtime} does not exist${args.runtime ? '' : ' (build berth with `npm run build`, or pass --runtime PATH)'}`);
    console.log('0 passed, 0 failed, 0 skipped');
    return 2;
  }
  const report = await runSuite(
    {
      runtime,
      ociVersion: args['oci-version'] || undefined,
      noWrap: !!args['no-wrap'],
      filter,
      parallel: args.parallel ? Number(args.parallel) : undefined,
      timeoutMs: args.timeout ? Number(args.timeout) * 1000 : undefined,
    },
    (line) => { if (!args.quiet) console.log(line); },
  );
  if (args.json) fs.writeFileSync(path.resolve(args.json), `${JSON.stringify(report, null, 2)}\n`);
  return report.totals.failed > 0 || report.leftBehind.length > 0 ? 1 : 0;
}
