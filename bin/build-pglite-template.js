#!/usr/bin/env node
'use strict';
// `npm run build` step: dumps a freshly migrated embedded database to dist/pglite-template.tar, the template a
// brand-new PGlite data directory starts from (src/persistence/pglite-template.ts). Needs the compiled dist/.
const { join } = require('node:path');
const { openDatabase, migrationNames } = require('../dist/src/persistence/database.js');
const { writeTemplate } = require('../dist/src/persistence/pglite-template.js');

(async () => {
  const started = Date.now();
  const path = process.argv[2] ?? join(__dirname, '..', 'dist', 'pglite-template.tar');
  const database = await openDatabase({ dataDir: 'memory://', pgliteTemplate: null });
  try {
    await writeTemplate(database.pglite, path, migrationNames());
  } finally {
    await database.close();
  }
  console.log(`pglite template: ${path} (${migrationNames().length} migrations, ${Date.now() - started} ms)`);
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
