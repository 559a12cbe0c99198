// The flags of the small measuring scripts (scripts/bench-startup.js, scripts/profile-phases.js):
// `--name value` pairs and bare switches, and the berth executable they measure.
'use strict';
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '../..');

function scriptArgs(argv = process.argv.slice(2)) {
  const opt = (name, def) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : def;
  };
  return {
    opt,
    has: (name) => argv.includes(name),
    /** --berth PATH, by default the repository's dist/berth */
    berth: path.resolve(opt('--berth', path.join(repoRoot, 'dist/berth'))),
  };
}

module.exports = { scriptArgs, repoRoot };
