import argon2 from 'argon2';

/** argon2id cost parameters; production uses the library's defaults (OWASP-level), tests may lower them. */
export interface PasswordHashing {
  memoryCost?: number;
  timeCost?: number;
  parallelism?: number;
}

/** Hashes a password with argon2id (salt and parameters are encoded in the result). */
export function hashPassword(password: string, cost: PasswordHashing = {}): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...cost });
}

/** Checks a password against a stored argon2 hash; false on any mismatch or malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
