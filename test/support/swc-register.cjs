'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports */
// Lets a child process (node -r ./swc-register.cjs) load the TypeScript sources directly, compiled with
// swc as jest compiles them: the fault and durability tests run `zhengzhi` from src/, never a stale dist/.
const { readFileSync } = require('node:fs');
const swc = require('@swc/core');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
