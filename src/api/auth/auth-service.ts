import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { databaseQuery } from '../../persistence/database';
import {
  apiTokensOf,
  findApiTokenOwner,
  findCredentials,
  insertApiToken,
  revokeApiToken,
  type ApiTokenRow,
  type CredentialRow,
} from '../../persistence/credentials';
import { jwtVerify, SignJWT } from 'jose';
import type { Runtime } from '../../runtime/runtime';
import type { Clock } from '../../shared/clock';
import type { Role } from '../../persistence/entities/user.entity';
import {
  findRefreshTokenForUpdate,
  insertRefreshToken,
  markRefreshTokenRotated,
  revokeRefreshFamily,
  type QueryExecutor,
} from '../../persistence/refresh-tokens';
import type { AuthUser } from './auth-user';
import { HttpProblem } from '../problem';
import { hashPassword, verifyPassword, type PasswordHashing } from './passwords';

export interface AuthOptions {
  /** HMAC key for access tokens (HS256), at least 32 bytes. */
  jwtSecret: Uint8Array;
  /** Access token lifetime in seconds (default 900: short-lived; clients refresh or log in again). */
  tokenTtlSeconds?: number;
  /** Refresh token lifetime in seconds, renewed by each rotation (default 43,200: a working day). */
  refreshTtlSeconds?: number;
  passwordHashing?: PasswordHashing;
}

const ISSUER = 'zhengzhi';
const AUDIENCE = 'zhengzhi-api';
/** API tokens start with this, so that a leaked one is recognisable by secret scanners. */
const API_TOKEN_PREFIX = 'zzt_';
/** Refresh tokens start with this (and are never accepted as a bearer credential). */
const REFRESH_TOKEN_PREFIX = 'zzr_';

/** What a login or a refresh answers: a new access token and a new refresh token. */
export interface IssuedSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  /** When the access token expires (ISO instant). */
  expiresAt: string;
  /** Single use: exchange it at POST /auth/refresh for the next pair. */
  refreshToken: string;
  refreshExpiresAt: string;
  user: AuthUser;
}

const toAuthUser = ({ passwordHash: _hash, ...user }: CredentialRow): AuthUser => user;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A token is shown once, at creation; only its SHA-256 is stored. */
export interface IssuedApiToken {
  id: string;
  name: string;
  token: string;
  createdAt: string;
}

/**
 * Passwords (scrypt), access tokens (JWT, HS256, short-lived, carrying the user's role and unit so a
 * request needs no database read) and API tokens for integrations (random 256-bit secrets, hashed at rest).
 */
export class AuthService {
  /** A KeyObject, which jose keeps its imported form of: no key import per request. */
  readonly #secret: KeyObject;
  /** Verified access tokens until they expire: a token is immutable, so verifying it once is enough. */
  readonly #verified = new Map<string, { user: AuthUser; expiresAt: number }>();
  readonly #ttl: number;
  readonly #refreshTtl: number;
  readonly #cost: PasswordHashing;
  /** A hash to verify against when the username is unknown, so timing does not reveal which users exist. */
  #decoy: Promise<string> | null = null;

  readonly #query: QueryExecutor;

  constructor(
    private readonly runtime: Runtime,
    options: AuthOptions,
    /** Token expiry runs on this clock: the wall clock on a sandbox server, whose domain clock jumps. */
    private readonly clock: Clock = runtime.clock,
  ) {
    if (options.jwtSecret.length < 32) throw new Error('the JWT secret must be at least 32 bytes');
    this.#secret = createSecretKey(options.jwtSecret);
    this.#ttl = options.tokenTtlSeconds ?? 900;
    this.#query = databaseQuery(runtime.database);
    this.#refreshTtl = options.refreshTtlSeconds ?? 43_200;
    this.#cost = options.passwordHashing ?? {};
  }

  get tokenTtlSeconds(): number {
    return this.#ttl;
  }

  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.#cost);
  }

  /**
   * Checks a username and password; 401 with the same message whether the user or the password was
   * wrong. Starts a new refresh-token family.
   */
  async login(username: string, password: string): Promise<IssuedSession> {
    const row = await findCredentials(this.#query, 'username', username);
    if (!row?.passwordHash) {
      this.#decoy ??= hashPassword(randomBytes(16).toString('hex'), this.#cost);
      await verifyPassword(await this.#decoy, password);
      throw new HttpProblem('unauthenticated', 'unknown username or wrong password');
    }
    if (!(await verifyPassword(row.passwordHash, password)))
      throw new HttpProblem('unauthenticated', 'unknown username or wrong password');
    const user = toAuthUser(row);
    return this.runtime.store.transaction((tx) =>
      this.#issueSession((sql, parameters) => tx.query(sql, parameters), user, randomUUID()),
    );
  }

  async #issueSession(query: QueryExecutor, user: AuthUser, familyId: string): Promise<IssuedSession> {
    const now = this.clock.now();
    const refreshToken = `${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const refreshExpiresAt = new Date(now.getTime() + this.#refreshTtl * 1000).toISOString();
    await insertRefreshToken(query, {
      id: randomUUID(),
      familyId,
      userId: user.id,
      tokenHash: sha256(refreshToken),
      createdAt: now.toISOString(),
      expiresAt: refreshExpiresAt,
    });
    return {
      accessToken: await this.issueAccessToken(user),
      tokenType: 'Bearer',
      expiresIn: this.#ttl,
      expiresAt: new Date((Math.floor(now.getTime() / 1000) + this.#ttl) * 1000).toISOString(),
      refreshToken,
      refreshExpiresAt,
      user,
    };
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token (rotation). The user is read
   * again, so a changed role or unit takes effect at the next refresh. A token presented a second time
   * means it was copied: the whole family is revoked and the caller must log in again.
   */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const outcome = await this.runtime.store.transaction(async (tx) => {
      const query: QueryExecutor = (sql, parameters) => tx.query(sql, parameters);
      const now = this.clock.now().toISOString();
      const row = await findRefreshTokenForUpdate(query, sha256(refreshToken));
      if (!row) return { refused: 'the refresh token is not valid; log in again' };
      if (row.revokedAt) return { refused: 'the refresh token was revoked; log in again' };
      if (row.rotatedAt) {
        await revokeRefreshFamily(query, row.familyId, now);
        return {
          refused:
            'the refresh token was already used; every session of this login is revoked — log in again',
        };
      }
      if (row.expiresAt <= now) return { refused: 'the refresh token has expired; log in again' };
      const userRow = await findCredentials(query, 'id', row.userId);
      if (!userRow) return { refused: 'the user no longer exists' };
      await markRefreshTokenRotated(query, row.id, now);
      return { session: await this.#issueSession(query, toAuthUser(userRow), row.familyId) };
    });
    // Thrown after the commit, so that a detected reuse's revocation is kept.
    if ('refused' in outcome) throw new HttpProblem('unauthenticated', outcome.refused!);
    return outcome.session;
  }

  /** Revokes the family of a refresh token (logout). An unknown token is not an error: the outcome is the same. */
  async logout(refreshToken: string): Promise<void> {
    await this.runtime.store.transaction(async (tx) => {
      const query: QueryExecutor = (sql, parameters) => tx.query(sql, parameters);
      const row = await findRefreshTokenForUpdate(query, sha256(refreshToken));
      if (row) await revokeRefreshFamily(query, row.familyId, this.clock.now().toISOString());
    });
  }

  async issueAccessToken(user: AuthUser): Promise<string> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({
      username: user.username,
      role: user.role,
      unitId: user.unitId,
      unitPath: user.unitPath,
      isPrincipal: user.isPrincipal,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + this.#ttl)
      .sign(this.#secret);
  }

  /** The user a bearer credential (access token or API token) stands for; 401 when it is not valid. */
  async authenticate(credential: string): Promise<AuthUser> {
    if (credential.startsWith(API_TOKEN_PREFIX)) return this.#authenticateApiToken(credential);
    const now = this.clock.now();
    const cached = this.#verified.get(credential);
    if (cached && cached.expiresAt > now.getTime()) return cached.user;
    try {
      const { payload } = await jwtVerify(credential, this.#secret, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: now,
      });
      const user: AuthUser = {
        id: String(payload.sub),
        username: String(payload.username),
        role: payload.role as Role,
        unitId: String(payload.unitId),
        unitPath: String(payload.unitPath),
        isPrincipal: payload.isPrincipal === true,
      };
      if (this.#verified.size >= 10_000) this.#verified.clear();
      this.#verified.set(credential, { user, expiresAt: Number(payload.exp) * 1000 });
      return user;
    } catch (error) {
      const reason =
        (error as { code?: string }).code === 'ERR_JWT_EXPIRED'
          ? 'the access token has expired; log in again'
          : 'the access token is not valid';
      throw new HttpProblem('unauthenticated', reason);
    }
  }

  async #authenticateApiToken(token: string): Promise<AuthUser> {
    const owner = await findApiTokenOwner(this.#query, sha256(token));
    if (!owner) throw new HttpProblem('unauthenticated', 'the API token is not valid or was revoked');
    return toAuthUser(owner);
  }

  /** Creates an API token for a user; the secret is returned once and stored only as a hash. */
  async createApiToken(userId: string, name: string): Promise<IssuedApiToken> {
    const id = this.runtime.ids.next('tok');
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const createdAt = this.clock.now().toISOString();
    await insertApiToken(this.#query, { id, userId, name, tokenHash: sha256(token), createdAt });
    return { id, name, token, createdAt };
  }

  listApiTokens(userId: string): Promise<ApiTokenRow[]> {
    return apiTokensOf(this.#query, userId);
  }

  /** Revokes one of the user's tokens; false when the user has no such token. */
  revokeApiToken(userId: string, tokenId: string): Promise<boolean> {
    return revokeApiToken(this.#query, userId, tokenId, this.clock.now().toISOString());
  }

  /** Reloads a user (e.g. for `GET /auth/me`). */
  async findUser(userId: string): Promise<AuthUser | null> {
    const row = await findCredentials(this.#query, 'id', userId);
    return row ? toAuthUser(row) : null;
  }
}
