import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationNames, openDatabase, type Database } from '../../src/persistence/database';
import { usableTemplate, writeTemplate } from '../../src/persistence/pglite-template';

// PGlite's own start-up path; PostgreSQL never uses a template. Runs in the embedded half of the suite.
const embedded = process.env.ZZ_TEST_DB === 'pglite' ? describe : describe.skip;

const SCHEMA_SQL = `
  SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
   WHERE table_schema = 'public' ORDER BY table_name, column_name`;
const INDEXES_SQL = `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`;
const TRIGGERS_SQL = `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`;

async function schemaOf(database: Database): Promise<unknown[]> {
  const q = (sql: string) => database.dataSource.query(sql);
  return [
    await q(SCHEMA_SQL),
    await q(INDEXES_SQL),
    await q(TRIGGERS_SQL),
    await q('SELECT name FROM migrations ORDER BY id'),
  ];
}

embedded('PGlite template for a brand-new data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zz-template-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a data directory started from the template has the schema that initdb plus every migration gives, and keeps its data', async () => {
    const template = join(dir, 'template.tar');
    const scratch = await openDatabase({ dataDir: 'memory://', pgliteTemplate: null });
    let expected: unknown[];
    try {
      expected = await schemaOf(scratch);
      await writeTemplate(scratch.pglite!, template, migrationNames());
    } finally {
      await scratch.close();
    }
    const dataDir = join(dir, 'data');
    const fromTemplate = await openDatabase({ dataDir, pgliteTemplate: template });
    try {
      expect(await schemaOf(fromTemplate)).toEqual(expected);
      await fromTemplate.dataSource.query(
        `INSERT INTO units (id, name, level, path) VALUES ('u-template', '模板测试单位', 'city', '/u-template/')`,
      );
    } finally {
      await fromTemplate.close();
    }
    // Reopened, the directory is no longer brand-new: its own data, not the template's.
    const reopened = await openDatabase({ dataDir, pgliteTemplate: template });
    try {
      expect(await reopened.dataSource.query(`SELECT name FROM units WHERE id = 'u-template'`)).toEqual([
        { name: '模板测试单位' },
      ]);
    } finally {
      await reopened.close();
    }
  }, 180_000);

  it('a template holding other migrations than this code is not used', () => {
    const template = join(dir, 'other.tar');
    writeFileSync(template, 'not used');
    const names = migrationNames();
    writeFileSync(`${template}.json`, JSON.stringify({ migrations: ['SomethingElse1', ...names] }));
    expect(usableTemplate(template, names)).toBeNull();
    writeFileSync(`${template}.json`, JSON.stringify({ migrations: names.slice(0, 3) }));
    expect(usableTemplate(template, names)).toEqual({ path: template, migrationNames: names.slice(0, 3) });
    expect(usableTemplate(join(dir, 'missing.tar'), names)).toBeNull();
  });
});
