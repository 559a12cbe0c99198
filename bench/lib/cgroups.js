// The last sweep of the cleanup: the runtimes name a container's default cgroup after its id,
// and every id of this run starts with one prefix, so any cgroup still named so is emptied
// (SIGKILL to what is left in it, e.g. the init of a create that was killed before it wrote
// its state) and removed, deepest first, once all containers are deleted.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function find(prefix, dir, depth, found) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const p = path.join(dir, e.name);
    if (e.name.includes(prefix)) found.push(p);
    else if (depth > 1) find(prefix, p, depth - 1, found);
  }
  return found;
}

function killAll(dir) {
  let pids = [];
  try {
    pids = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

function removeCgroupsNamed(prefix, root = '/sys/fs/cgroup', depth = 6) {
  const found = find(prefix, root, depth, []).sort((a, b) => b.length - a.length);
  for (const d of found) killAll(d);
  for (const d of found) {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.rmdirSync(d);
        break;
      } catch (e) {
        if (e.code === 'ENOENT') break;
        if (attempt === 20) {
          console.error(`bench: cgroup ${d} left behind: ${e.message}`);
          break;
        }
        sleep(50); // a killed process leaves its cgroup a moment later
      }
    }
  }
}

module.exports = { removeCgroupsNamed };
