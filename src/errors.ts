// Typed errors. Everything below cli/ throws these and never prints; cli/ turns them into a
// log line and an exit status.

// The executable holds two copies of this module (one per entry point, see cli/main.ts), so
// a class test across them goes by a brand in the global symbol registry, not instanceof.
const BERTH_ERROR = Symbol.for('berth.BerthError');

export class BerthError extends Error {
  override name = 'BerthError';
}
Object.defineProperty(BerthError.prototype, BERTH_ERROR, { value: true });

/** err is a BerthError, from either entry point's copy of this module. */
export function isBerthError(err: unknown): err is BerthError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BERTH_ERROR] === true;
}

/** config.json is malformed or breaks a rule; `path` is the JSON path (e.g. "/process/args"). */
export class ConfigError extends BerthError {
  override name = 'ConfigError';
  constructor(readonly jsonPath: string, readonly detail: string) {
    super(`config.json ${jsonPath || '/'}: ${detail}`);
  }
}

/** Wording kept from runc: containerd matches "does not exist". */
export class ContainerNotFound extends BerthError {
  override name = 'ContainerNotFound';
  constructor(readonly id: string) {
    super(`container ${id} does not exist`);
  }
}

/** Wording kept from runc: containerd matches "container not running". */
export class ContainerNotRunning extends BerthError {
  override name = 'ContainerNotRunning';
  constructor(readonly id: string) {
    super('container not running');
  }
}

/** Another berth command holds the container's lock (a non-blocking attempt). */
export class ContainerBusy extends BerthError {
  override name = 'ContainerBusy';
  constructor(readonly id: string, message = `container ${id} is busy: another berth command holds its lock`) {
    super(message);
  }
}

export class InvalidState extends BerthError {
  override name = 'InvalidState';
}

export class UsageError extends BerthError {
  override name = 'UsageError';
}

/** The clone child failed at a plan step; the message names the config field behind the step. */
export class LaunchError extends BerthError {
  override name = 'LaunchError';
  constructor(message: string, readonly errno: number) {
    super(message);
  }
}
