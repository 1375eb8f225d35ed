import type { NextFunction, Request, Response } from 'express';
import type { OperationRegistry } from './endpoint';
import { HttpProblem } from './problem';
import type { InvalidField } from './validation';

/**
 * Text PostgreSQL cannot store: a NUL character (text columns refuse U+0000) or a lone UTF-16 surrogate
 * (it has no UTF-8 form). Either used to reach the database and come back as a 500.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored, or null when it can. */
export function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** Keys a JSON body may not use: they address an object's prototype, never a field of a DTO. */
const PROTOTYPE_KEYS = new Set(['__proto__']);

/** How deep `walk` descends; deeper documents are refused (a DTO is never this deep). */
const MAX_DEPTH = 64;

/** Collects every unstorable string and prototype key in a parsed JSON value, with its dotted path. */
function walk(value: unknown, path: string, found: InvalidField[], depth = 0): void {
  if (found.length >= 20) return;
  if (typeof value === 'string') {
    const reason = unstorableText(value);
    if (reason) found.push({ field: path, messages: [reason] });
    return;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return; // raw uploads: bytes
  if (depth > MAX_DEPTH) {
    found.push({ field: path, messages: [`nested deeper than ${MAX_DEPTH} levels`] });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((element, index) => walk(element, `${path}[${index}]`, found, depth + 1));
    return;
  }
  for (const key of Object.keys(value)) {
    const field = `${path}.${key}`;
    const keyReason = unstorableText(key);
    if (keyReason) found.push({ field, messages: [`the property name ${keyReason}`] });
    else if (PROTOTYPE_KEYS.has(key)) found.push({ field, messages: [`property ${key} should not exist`] });
    else walk((value as Record<string, unknown>)[key], field, found, depth + 1);
  }
}

/** The `:name` of a declared operation's path at segment `index`, when `segments` match its pattern. */
function parameterName(operations: OperationRegistry, segments: string[], index: number): string | undefined {
  for (const operation of operations.operations) {
    const pattern = operation.path.split('/');
    if (pattern.length !== segments.length) continue;
    const matches = pattern.every((part, i) => part.startsWith(':') || i === index || part === segments[i]);
    if (matches && pattern[index]!.startsWith(':')) return pattern[index]!.slice(1);
  }
  return undefined;
}

/** Problems of the path: each segment must decode (UTF-8 percent-encoding) to storable text. */
function pathProblems(req: Request, operations: OperationRegistry): InvalidField[] {
  const segments = req.path.split('/');
  const found: InvalidField[] = [];
  segments.forEach((raw, index) => {
    let decoded: string;
    let reason: string | null;
    try {
      decoded = decodeURIComponent(raw);
      reason = unstorableText(decoded);
    } catch {
      reason = 'is not valid UTF-8 percent-encoding';
    }
    if (!reason) return;
    const name = parameterName(operations, segments, index);
    found.push({ field: name ? `path.${name}` : `path segment ${index}`, messages: [reason] });
  });
  return found;
}

/** Request headers the API reads; Node's parser already refuses most control characters in them. */
const READ_HEADERS = ['authorization', 'idempotency-key', 'if-match', 'x-request-id', 'content-type'];

/**
 * One guard in front of every route: NUL characters and lone surrogates in the path, the query, the JSON
 * body (values and property names) and the headers the API reads, and `__proto__` keys in a body, are
 * refused with 400 problem+json naming each field — before any handler, validator or query sees them.
 */
export function guardInput(operations: OperationRegistry) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const found = pathProblems(req, operations);
    walk({ ...(req.query as object) }, 'query', found);
    if (req.body !== undefined) walk(req.body, 'body', found);
    for (const header of READ_HEADERS) {
      const value = req.headers[header];
      if (typeof value === 'string' && value.includes('\u0000'))
        found.push({ field: `header ${header}`, messages: ['contains a NUL character (U+0000)'] });
    }
    if (found.length === 0) return next();
    const summary = found.map((f) => `${f.field}: ${f.messages.join('; ')}`).join(' · ');
    next(new HttpProblem('validationFailed', `invalid input: ${summary}`, { invalidFields: found }));
  };
}
