import { generateKeyPairSync } from 'node:crypto';
import type { Runtime } from '../../src/runtime/runtime';
import { parseSigningKey, type SigningKey } from '../../src/audit/keys';
import { itemInRectification, officer } from '../support/fixtures';

/** A fresh Ed25519 checkpoint key for one test file (keys are never committed). */
export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return parseSigningKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'test key');
}

/**
 * Runs raw SQL the way an intruder with database access would: with the append-only trigger disabled.
 * No transaction is held, so this is safe on PGlite's single connection too.
 */
export async function tamper(runtime: Runtime, sql: string, parameters: unknown[] = []): Promise<void> {
  const ds = runtime.database.dataSource;
  await ds.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
  try {
    await ds.query(sql, parameters);
  } finally {
    await ds.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
  }
}

/** An item in rectification with two progress notes: sequences 1–6. */
export async function itemWithProgress(runtime: Runtime, campaignId: string): Promise<string> {
  const id = await itemInRectification(runtime, campaignId);
  await runtime.engine.execute(
    id,
    { type: 'RECORD_PROGRESS', note: '已培训 30 人', evidence: ['培训签到表.pdf'] },
    officer,
  );
  await runtime.engine.execute(id, { type: 'RECORD_PROGRESS', note: '已整改 12 处', evidence: [] }, officer);
  return id;
}

/** The stored hash of one event. */
export async function hashOf(runtime: Runtime, streamId: string, sequence: number): Promise<string> {
  const rows = (await runtime.database.dataSource.query(
    'SELECT hash FROM events WHERE stream_id = $1 AND sequence = $2',
    [streamId, sequence],
  )) as Array<{ hash: string }>;
  return rows[0]!.hash;
}
