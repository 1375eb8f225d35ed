import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ZhengzhiError, ErrorCode } from '../shared/errors';

/**
 * The checkpoint signing key: an Ed25519 private key, configured — never committed — through
 * `ZHENGZHI_AUDIT_KEY` (PEM text, or base64 of the PKCS#8 DER) or `ZHENGZHI_AUDIT_KEY_FILE` (a PEM file).
 * Ed25519 rather than an HMAC so that anyone holding only the public key (a higher-level bureau with an
 * export) can check signatures without being able to forge them.
 */
export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** First 16 hex digits of SHA-256 over the public key's SPKI DER: what auditors compare out of band. */
  keyId: string;
}

/** Fingerprint of a public key (PEM): first 16 hex digits of SHA-256 over its SPKI DER encoding. */
export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Builds a signing key from PEM text or base64 PKCS#8 DER; `origin` names where it came from in errors. */
export function parseSigningKey(text: string, origin: string): SigningKey {
  let privateKey: KeyObject;
  try {
    const trimmed = text.trim();
    privateKey = trimmed.startsWith('-----BEGIN')
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `${origin} is not a readable private key (expected an Ed25519 PEM)`,
      {},
      { cause: error },
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `${origin} is a ${privateKey.asymmetricKeyType} key; checkpoints are signed with Ed25519`,
    );
  }
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, keyId: keyIdOf(publicKeyPem) };
}

/** The signing key from the environment, or null when none is configured. */
export function signingKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): SigningKey | null {
  if (env.ZHENGZHI_AUDIT_KEY) return parseSigningKey(env.ZHENGZHI_AUDIT_KEY, 'ZHENGZHI_AUDIT_KEY');
  const file = env.ZHENGZHI_AUDIT_KEY_FILE;
  if (!file) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ZhengzhiError(
      ErrorCode.invalidInput,
      `ZHENGZHI_AUDIT_KEY_FILE ${file} cannot be read`,
      {},
      { cause: error },
    );
  }
  return parseSigningKey(text, `ZHENGZHI_AUDIT_KEY_FILE ${file}`);
}

/** Ed25519 signature (base64) over the UTF-8 bytes of `statement`. */
export function signStatement(key: SigningKey, statement: string): string {
  return sign(null, Buffer.from(statement, 'utf8'), key.privateKey).toString('base64');
}

/** True when `signature` is a valid Ed25519 signature of `statement` by `publicKeyPem`. */
export function signatureHolds(publicKeyPem: string, statement: string, signature: string): boolean {
  try {
    return verify(
      null,
      Buffer.from(statement, 'utf8'),
      createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}
