// `update`: change the limits of a created, running or paused container. The change is merged
// over what the container has (update-resources.ts), written by the same linux.resources
// writers create uses (device rules left alone), and recorded beside state.json. Every file
// written is read first; if any write fails the earlier ones are put back, so the container
// keeps its previous limits.

import { nodeFs } from '../sys/node-fs.js';
import * as path from '../sys/posix-path.js';
import { cgroupManagerFromRecord } from '../cgroups/index.js';
import { realCgroupFiles } from '../cgroups/resources/files.js';
import { undoableFiles } from '../cgroups/resources/undo.js';
import { BerthError, ConfigError, ContainerNotRunning } from '../errors.js';
import type { Resources } from '../spec/types.js';
import { withContainerLockSync } from '../state/lock.js';
import { StateStore } from '../state/store.js';
import type { StoredState } from '../state/types.js';
import { statusOf } from './status.js';
import { mergeUpdate, pickUpdateFields, type UpdateResources } from './update-resources.js';

/** The last update's record, else the bundle's linux.resources (what create applied). */
function currentResources(store: StateStore, st: StoredState): UpdateResources {
  const recorded = store.readResources(st.id);
  if (recorded) return pickUpdateFields(recorded, 'recorded resources');
  try {
    const config = JSON.parse(nodeFs().readFileSync(path.join(st.bundle, 'config.json'), 'utf8')) as { linux?: { resources?: unknown } };
    return config.linux?.resources ? pickUpdateFields(config.linux.resources, 'config.json /linux/resources') : {};
  } catch {
    return {}; // the bundle is gone or changed shape: nothing to merge over
  }
}

export function updateContainer(root: string, id: string, change: UpdateResources, warn: (msg: string) => void): void {
  const store = new StateStore(root);
  store.read(id); // "does not exist" before any lock file is made
  withContainerLockSync(store, id, () => {
    const st = store.read(id);
    if (statusOf(store, st) === 'stopped') throw new ContainerNotRunning(id);
    if (change.memory?.kernel || change.memory?.kernelTCP) warn('kernel memory settings are ignored: current kernels do not limit kernel memory separately');
    const merged = mergeUpdate(currentResources(store, st), change);
    const { kernel: _k, kernelTCP: _t, ...memory } = merged.memory ?? {};
    const apply = { ...merged, ...(merged.memory ? { memory } : {}) } as Resources;
    const files = undoableFiles(realCgroupFiles);
    try {
      cgroupManagerFromRecord(st.cgroup, undefined, files).applyResources({ resources: apply }, { warn, keepDevices: true });
    } catch (err) {
      const failed = files.undo();
      const why = err instanceof ConfigError ? `${err.jsonPath.replace(/^\/linux\/resources/, '')}: ${err.detail}` : (err as Error).message;
      const left = failed.length ? `; could not restore ${failed.join(', ')}` : '';
      throw new BerthError(`cannot update container ${id}: ${why}${left}`);
    }
    store.writeResources(id, merged);
  });
}
