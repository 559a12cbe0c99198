// Registers an engine's scenarios with uvu, once per runtime (berth, then the runc
// reference). Each scenario is followed by the leftover check, then a forced cleanup so the
// next one starts clean; a failure quotes the engine's own log (the runtime's error is there).

import fs from 'node:fs';
import { test } from 'uvu';
import { leftoversSince, snapshot, type Watched } from './leftovers.js';
import { runtimesMissing, runtimesUnderTest, type Runtime } from './runtimes.js';

export interface Engine {
  name: string;
  /** Why this engine cannot run here (not installed, not root), or undefined. */
  missing(): string | undefined;
  start(): void;
  /** Stops and removes everything start() made; safe to call again. */
  stop(): void;
  watched(rt: Runtime): Watched;
  /** The engine's log file, if it has one (podman has none: its stderr is in each error). */
  log(): string | undefined;
  /** Removes every container of `rt` the engine still has. */
  removeAll(rt: Runtime): void;
}

export type Scenario = (rt: Runtime) => void;

export function defineScenarios(engine: Engine, scenarios: Record<string, Scenario>): void {
  const missing = whyNot(engine);
  const runtimes = runtimesUnderTest();
  if (missing) {
    console.log(`engines: ${engine.name} scenarios skipped: ${missing}`);
    for (const name of Object.keys(scenarios)) for (const rt of runtimes) test.skip(`${engine.name}: ${name} [${rt.name}]`, () => {});
    test.run();
    return;
  }
  test.before(() => {
    stopOnExit(engine);
    engine.start();
  });
  test.after(() => engine.stop());
  for (const [name, body] of Object.entries(scenarios)) {
    for (const rt of runtimes) {
      test(`${engine.name}: ${name} [${rt.name}]`, async () => {
        // Scenarios are synchronous; one turn of the event loop between them lets a Ctrl-C
        // handler run (and stop the engine) instead of waiting for the whole suite.
        await new Promise((resolve) => setImmediate(resolve));
        runScenario(engine, rt, body);
      });
    }
  }
  test.run();
}

/**
 * The engine is stopped however the process ends: after the suite (uvu's after hook, which
 * runs even when tests fail), at exit, or on Ctrl-C. stop() is idempotent.
 */
function stopOnExit(engine: Engine): void {
  process.on('exit', () => engine.stop());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      engine.stop();
      process.exit(130);
    });
  }
}

function whyNot(engine: Engine): string | undefined {
  if (process.getuid && process.getuid() !== 0) return 'engines need root';
  return engine.missing() ?? runtimesMissing();
}

function runScenario(engine: Engine, rt: Runtime, body: Scenario): void {
  const watched = engine.watched(rt);
  const log = engine.log();
  const mark = log ? fs.statSync(log).size : 0;
  const before = snapshot(watched);
  let failure: string | undefined;
  try {
    body(rt);
  } catch (e) {
    failure = describe(e);
  }
  if (!failure) {
    const left = leftoversSince(watched, before);
    if (left.length) failure = `left behind after the scenario:\n  ${left.join('\n  ')}`;
  }
  try {
    engine.removeAll(rt);
  } catch (e) {
    failure ??= `cleanup failed: ${describe(e)}`;
  }
  if (failure) {
    const quoted = log ? engineErrors(log, mark) : '';
    const err = new Error(quoted ? `${failure}\n--- ${engine.name} log since the scenario began:\n${quoted}` : failure);
    err.stack = ''; // the message says it all; uvu would print it twice with a stack
    throw err;
  }
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const details = (e as Error & { details?: string }).details;
  return details ? `${e.message}\n${details}` : e.message;
}

/** Warning and error lines the engine logged after byte `from` (where the runtime's error lands). */
function engineErrors(log: string, from: number): string {
  const text = fs.readFileSync(log).subarray(from).toString('utf8');
  const lines = text
    .split('\n')
    .filter((l) => /level=(error|warning|fatal)|OCI runtime|did not terminate/.test(l))
    // What every container's end logs, whatever the runtime: noise next to the real error.
    .filter((l) => !/starting signal loop|cleaning up after shim disconnected|stream copy error/.test(l));
  return lines.slice(-15).join('\n');
}
