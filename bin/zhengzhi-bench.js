#!/usr/bin/env node
'use strict';
// `npm run bench [-- <suite>]`: runs the compiled benchmark suites and writes bench/results/<suite>.json.
require('../dist/bench/run.js').main(process.argv.slice(2));
