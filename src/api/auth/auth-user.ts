import type { CredentialRow } from '../../persistence/credentials';

/** The authenticated caller, as carried by the access token (no database read per request): a user without the hash. */
export type AuthUser = Omit<CredentialRow, 'passwordHash'>;
