#!/usr/bin/env node
// npm run conformance -- --runtime PATH [--filter RE] [--json FILE]
// The suite is TypeScript compiled with the rest of the project (npx tsc -p tsconfig.json,
// output in build/conformance). This launcher compiles first when the output is missing or
// older than a source file, then runs build/conformance/runner/run-main.js.
'use strict';
const { ensureCompiled } = require('./launch.js');

ensureCompiled();
require('../build/conformance/runner/run-main.js')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(2);
  });
