#!/usr/bin/env node
'use strict';
// The CLI runs the compiled output; `npm ci` builds it through the `prepare` script.
require('../dist/src/cli/main.js').main(process.argv);
