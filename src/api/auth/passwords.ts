import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt cost parameters (RFC 7914). Production uses N = 2^17, r = 8, p = 1 (OWASP's minimum for scrypt,
 * 128 MiB per hash); tests may lower them. scrypt comes with Node's crypto: no native add-on to build
 * (the argon2 package's prebuilt binary crashed on this platform).
 */
export interface PasswordHashing {
  /** log2 of the CPU/memory cost N. */
  logN?: number;
  /** Block size r. */
  blockSize?: number;
  /** Parallelisation p. */
  parallelism?: number;
}

const KEY_LENGTH = 32;
const DEFAULTS = { logN: 17, blockSize: 8, parallelism: 1 };

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Hashes a password: `scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>` (salt and parameters travel with it). */
export async function hashPassword(password: string, cost: PasswordHashing = {}): Promise<string> {
  const { logN, blockSize, parallelism } = { ...DEFAULTS, ...cost };
  const salt = randomBytes(16);
  const key = await derive(password, salt, logN, blockSize, parallelism);
  return ['scrypt', logN, blockSize, parallelism, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Checks a password against a stored hash in constant time; false on any mismatch or malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const [n, blockSize, parallelism] = [Number(logN), Number(r), Number(p)];
  if (![n, blockSize, parallelism].every((v) => Number.isInteger(v) && v > 0) || n > 22) return false;
  try {
    const expected = Buffer.from(key, 'base64');
    const actual = await derive(password, Buffer.from(salt, 'base64'), n, blockSize, parallelism);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  } catch {
    return false;
  }
}
