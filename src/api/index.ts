// berth's typed API for Node tools: `import { Runtime, defaultSpec, type Spec } from 'berth'`.
// docs/api.md describes it. The types and the default spec are the runtime's own (one
// definition each); Runtime drives the berth executable.

export { Runtime, DEFAULT_BINARY } from './runtime.js';
export { BerthCommandError, ConfigError, ContainerNotFoundError, type LogLine } from './errors.js';
export { defaultSpec, type DefaultSpecOptions } from '../cli/default-spec.js';
export type * from '../spec/types.js';
export type * from './types.js';
