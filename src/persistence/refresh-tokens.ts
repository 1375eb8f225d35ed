/**
 * Named queries over `refresh_tokens` (migration 1733100000000). Callers pass the executor of their
 * transaction, so that reading a token, rotating it and issuing its successor commit together.
 */
import type { QueryExecutor } from './database';
export type { QueryExecutor };

/** A stored refresh token (never the secret itself: only its SHA-256). */
export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  expiresAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
}

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();

/** Stores a newly issued token. */
export async function insertRefreshToken(
  query: QueryExecutor,
  token: {
    id: string;
    familyId: string;
    userId: string;
    tokenHash: string;
    createdAt: string;
    expiresAt: string;
  },
): Promise<void> {
  await query(
    `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [token.id, token.familyId, token.userId, token.tokenHash, token.createdAt, token.expiresAt],
  );
}

/** The token with this hash, locked for the rest of the transaction (two concurrent refreshes queue). */
export async function findRefreshTokenForUpdate(
  query: QueryExecutor,
  tokenHash: string,
): Promise<RefreshTokenRow | null> {
  const rows = await query<Record<string, unknown>>(
    `SELECT id, family_id, user_id, expires_at, rotated_at, revoked_at FROM refresh_tokens
      WHERE token_hash = $1 FOR UPDATE`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: String(row.id),
    familyId: String(row.family_id),
    userId: String(row.user_id),
    expiresAt: iso(row.expires_at)!,
    rotatedAt: iso(row.rotated_at),
    revokedAt: iso(row.revoked_at),
  };
}

/** Marks a token as used: it has been exchanged for its successor and must never be presented again. */
export async function markRefreshTokenRotated(query: QueryExecutor, id: string, at: string): Promise<void> {
  await query(`UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1`, [id, at]);
}

/** Revokes every token of a family that is not revoked yet; returns how many were. */
export async function revokeRefreshFamily(
  query: QueryExecutor,
  familyId: string,
  at: string,
): Promise<number> {
  const rows = await query(
    `UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL RETURNING id`,
    [familyId, at],
  );
  return rows.length;
}
