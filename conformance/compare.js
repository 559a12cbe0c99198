#!/usr/bin/env node
// npm run conformance:compare: the suite against berth, runc and crun, written side by side
// to docs/conformance.md. See conformance/runner/compare-main.ts.
'use strict';
const { ensureCompiled } = require('./launch.js');

ensureCompiled();
require('../build/conformance/runner/compare-main.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(2);
  });
