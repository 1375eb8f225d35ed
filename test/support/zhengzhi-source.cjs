'use strict';
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports */
// `zhengzhi` run from the TypeScript sources (for tests that start real server processes).
require('./swc-register.cjs');
require('../../src/cli/main.ts').main(process.argv);
