import type { Role } from './entities/user.entity';
import type { QueryExecutor } from './database';

/**
 * Named queries for signing in: users with their unit path and password hash, and API tokens (stored only as
 * SHA-256 hashes). Callers pass an executor: the pool, or a transaction's when a read must commit with a write.
 */

/** A user as authentication needs them. */
export interface CredentialRow {
  id: string;
  username: string;
  role: Role;
  unitId: string;
  /** Materialised path of the user's unit, e.g. `/xn-city/xn-county-hz/`: the subtree they act in. */
  unitPath: string;
  /** 单位主要负责人 of `unitId`: may sign dismissals of items handled by that unit. */
  isPrincipal: boolean;
  /** Null for users who cannot log in with a password. */
  passwordHash: string | null;
}

const USER_COLUMNS = 'u.id, u.username, u.role, u.unit_id, u.is_principal, u.password_hash, n.path';

const toCredential = (r: Record<string, unknown>): CredentialRow => ({
  id: String(r.id),
  username: String(r.username),
  role: r.role as Role,
  unitId: String(r.unit_id),
  unitPath: String(r.path),
  isPrincipal: Boolean(r.is_principal),
  passwordHash: (r.password_hash as string | null) ?? null,
});

/** The user with this username, or with this id; null when there is none. */
export async function findCredentials(
  query: QueryExecutor,
  by: 'username' | 'id',
  value: string,
): Promise<CredentialRow | null> {
  const rows = await query<Record<string, unknown>>(
    `SELECT ${USER_COLUMNS} FROM users u JOIN units n ON n.id = u.unit_id WHERE u.${by === 'id' ? 'id' : 'username'} = $1`,
    [value],
  );
  return rows[0] ? toCredential(rows[0]) : null;
}

/** The owner of an unrevoked API token with this hash; null when it is unknown or revoked. */
export async function findApiTokenOwner(
  query: QueryExecutor,
  tokenHash: string,
): Promise<CredentialRow | null> {
  const rows = await query<Record<string, unknown>>(
    `SELECT ${USER_COLUMNS}
       FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN units n ON n.id = u.unit_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [tokenHash],
  );
  return rows[0] ? toCredential(rows[0]) : null;
}

export interface ApiTokenRow {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export async function insertApiToken(
  query: QueryExecutor,
  token: { id: string; userId: string; name: string; tokenHash: string; createdAt: string },
): Promise<void> {
  await query(
    'INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)',
    [token.id, token.userId, token.name, token.tokenHash, token.createdAt],
  );
}

/** A user's tokens, oldest first (never the hashes). */
export async function apiTokensOf(query: QueryExecutor, userId: string): Promise<ApiTokenRow[]> {
  const rows = await query<{ id: string; name: string; created_at: Date; revoked_at: Date | null }>(
    'SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id',
    [userId],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: new Date(r.created_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  }));
}

/** Revokes one of the user's live tokens; false when the user has no such token. */
export async function revokeApiToken(
  query: QueryExecutor,
  userId: string,
  tokenId: string,
  at: string,
): Promise<boolean> {
  const rows = await query(
    'UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id',
    [tokenId, userId, at],
  );
  return rows.length > 0;
}
