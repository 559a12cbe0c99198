// Which namespaces a config asks for, looked up by type: several rules depend on it.

import type { NamespaceType, Spec } from '../types.js';

export interface NamespaceView {
  /** listed at all: created new or joined by path */
  has(type: NamespaceType): boolean;
  /** listed without a path: the container gets a new one */
  created(type: NamespaceType): boolean;
  /** listed with a path: the container joins an existing one */
  joined(type: NamespaceType): boolean;
}

export function namespaceView(spec: Spec): NamespaceView {
  const byType = new Map<string, { path?: string }>();
  for (const ns of spec.linux?.namespaces ?? []) if (!byType.has(ns.type)) byType.set(ns.type, ns);
  return {
    has: (t) => byType.has(t),
    created: (t) => byType.has(t) && !byType.get(t)!.path,
    joined: (t) => byType.has(t) && !!byType.get(t)!.path,
  };
}
