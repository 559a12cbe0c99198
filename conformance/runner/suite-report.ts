// Runs the whole suite against one runtime and returns a serialisable report; shared by the
// single-runtime runner and the comparison.

import os from 'node:os';
import { allChecks } from '../checks/index.js';
import type { CheckResult } from '../lib/check.js';
import { runChecks, setupSuite, teardownSuite } from '../lib/suite.js';
import { closingLine, formatRow, totals } from '../lib/table.js';

export interface SuiteReport {
  runtime: { name: string; path: string; version: string; ociVersion: string; notes: string[] };
  host: { kernel: string; cpus: number };
  startedAt: string;
  seconds: number;
  totals: { passed: number; failed: number; skipped: number };
  results: CheckResult[];
  /** Anything found on the host after the run that the suite had to clean up itself. */
  leftBehind: string[];
}

export interface SuiteRunOptions {
  runtime: string;
  ociVersion?: string;
  noWrap?: boolean;
  filter?: RegExp;
  parallel?: number;
  timeoutMs?: number;
}

export async function runSuite(opts: SuiteRunOptions, print: (line: string) => void): Promise<SuiteReport> {
  const began = Date.now();
  const env = await setupSuite({ runtime: opts.runtime, ociVersion: opts.ociVersion, noWrap: opts.noWrap });
  print(`runtime: ${env.runtime.path} (${env.runtime.version})`);
  for (const n of env.runtime.notes) print(`  ${n}`);
  const width = Math.max(...allChecks.map((c) => c.id.length));
  let results: CheckResult[] = [];
  let leftBehind: string[] = [];
  // Ctrl-C stops starting checks; the ones under way finish and everything is cleaned up.
  // A second Ctrl-C exits at once (and may leave things behind).
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    print('interrupted: finishing the checks under way and cleaning up (interrupt again to quit now)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    results = await runChecks(env, allChecks, {
      stopRequested: () => stop,
      filter: opts.filter,
      parallel: opts.parallel ?? Math.min(6, Math.max(2, os.cpus().length * 2)),
      defaultTimeoutMs: opts.timeoutMs ?? 30_000,
      onResult: (r) => print(formatRow(r, width)),
    });
  } finally {
    leftBehind = await teardownSuite(env);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  for (const l of leftBehind) print(`left behind: ${l}`);
  print(closingLine(results));
  return {
    runtime: { name: env.runtime.name, path: env.runtime.path, version: env.runtime.version, ociVersion: env.runtime.ociVersion, notes: env.runtime.notes },
    host: { kernel: os.release(), cpus: os.cpus().length },
    startedAt: new Date(began).toISOString(),
    seconds: Math.round((Date.now() - began) / 100) / 10,
    totals: totals(results),
    results,
    leftBehind,
  };
}
