// A container that creates its own user namespace cannot join another namespace by path.
// clone3 puts berth's child in the new user namespace at once (the parent writes its maps),
// and joining a namespace needs CAP_SYS_ADMIN over the user namespace that owns it, which a
// new one never has: the kernel would refuse the setns after the child exists. So create
// refuses such a config before it makes anything (docs/cli.md; runc joins first and creates
// the user namespace after).

import { ConfigError } from '../errors.js';
import type { Spec } from '../spec/types.js';

export function refuseJoinsWithNewUserNamespace(spec: Spec): void {
  const namespaces = spec.linux?.namespaces ?? [];
  if (!namespaces.some((n) => n.type === 'user' && !n.path)) return;
  const index = namespaces.findIndex((n) => n.type !== 'user' && n.path);
  if (index < 0) return;
  const { type, path } = namespaces[index]!;
  throw new ConfigError(`/linux/namespaces/${index}`,
    `the ${type} namespace ${path} cannot be joined together with a new user namespace (the container's process is in the new user namespace from its start, and joining needs CAP_SYS_ADMIN over the user namespace that owns the ${type} namespace)`);
}
