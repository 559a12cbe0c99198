// The state document hooks receive on stdin (runtime.md "State").

import type { Spec, State } from '../spec/types.js';

export function hookState(spec: Spec | { annotations?: Record<string, string> }, id: string, pid: number, bundle: string, status: State['status']): State {
  const s: State = { ociVersion: '1.3.0', id, status, pid, bundle };
  if (spec.annotations && Object.keys(spec.annotations).length) s.annotations = spec.annotations;
  return s;
}
