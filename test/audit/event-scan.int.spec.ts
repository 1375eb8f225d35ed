import { copyLines, copyRows } from '../../src/audit/event-scan';
import type { Database } from '../../src/persistence/database';
import { createTestDatabase } from '../support/database';

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const rowsOf = async (sql: string): Promise<Array<Array<string | null>>> => {
  const rows: Array<Array<string | null>> = [];
  await copyRows(database, sql, (f) => rows.push(f));
  return rows;
};

// COPY TO STDOUT through the pg driver: PostgreSQL, and PGlite through its socket server.
describe('COPY scanning on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('splits rows and unescapes fields, multi-byte text and long rows across chunks included', async () => {
    const long = '整改'.repeat(50_000);
    const rows = await rowsOf(
      `SELECT n, CASE WHEN n = 2 THEN $$a\tb\\c
d$$ WHEN n = 3 THEN NULL WHEN n = 4 THEN '${long}' ELSE '台账' || n END FROM generate_series(1, 5) n`,
    );
    expect(rows).toEqual([
      ['1', '台账1'],
      ['2', 'a\tb\\c\nd'],
      ['3', null],
      ['4', long],
      ['5', '台账5'],
    ]);
  });

  it('a reader that throws fails the scan and the connection is discarded, not reused mid-COPY', async () => {
    let seen = 0;
    await expect(
      copyLines(database, 'SELECT n, repeat($$x$$, 200) FROM generate_series(1, 50000) n', () => {
        if (++seen === 10) throw new Error('reader gave up');
      }),
    ).rejects.toThrow('reader gave up');
    // Every pooled connection still answers, and the next COPY reads all its rows.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => database.dataSource.query('SELECT 1 AS one')),
    );
    expect(answers.map((a: Array<{ one: number }>) => Number(a[0]!.one))).toEqual(Array(12).fill(1));
    expect(await rowsOf('SELECT n FROM generate_series(1, 1000) n')).toHaveLength(1000);
  });

  it('a failing query rejects the scan (no unhandled stream error) and leaves the pool usable', async () => {
    await expect(rowsOf('SELECT 1 / (n - 3) FROM generate_series(1, 5) n')).rejects.toThrow(
      /division by zero/,
    );
    await expect(rowsOf('SELECT no_such_column FROM events')).rejects.toThrow(/no_such_column/);
    expect(await rowsOf('SELECT 42')).toEqual([['42']]);
  });
});
