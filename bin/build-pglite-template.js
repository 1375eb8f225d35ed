#!/usr/bin/env node
'use strict';
// `npm run build` step: dumps a freshly migrated embedded database to dist/pglite-template.tar, the template a
// brand-new PGlite data directory starts from (src/persistence/pglite-template.ts), then loads the demo into
// a database made from it and keeps that as dist/pglite-demo/, what `serve` copies into an unstarted data
// directory (src/demo/demo-template.ts). Needs the compiled dist/.
const { join } = require('node:path');
const { openDatabase, migrationNames } = require('../dist/src/persistence/database.js');
const { writeTemplate } = require('../dist/src/persistence/pglite-template.js');
const { buildDemoTemplate } = require('../dist/src/demo/demo-template.js');

(async () => {
  let started = Date.now();
  const dist = join(__dirname, '..', 'dist');
  const path = process.argv[2] ?? join(dist, 'pglite-template.tar');
  const database = await openDatabase({ dataDir: 'memory://', pgliteTemplate: null });
  try {
    await writeTemplate(database.pglite, path, migrationNames());
  } finally {
    await database.close();
  }
  console.log(`pglite template: ${path} (${migrationNames().length} migrations, ${Date.now() - started} ms)`);
  if (process.argv[2]) return;
  started = Date.now();
  const demo = await buildDemoTemplate(join(dist, 'pglite-demo'));
  console.log(`pglite demo database: ${demo.dir} (${demo.items} items, ${Date.now() - started} ms)`);
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
