import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { HttpProblem } from './problem';

/** One invalid field, as listed in a 400 problem's `invalidFields`. */
export interface InvalidField {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix = ''): InvalidField[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    // A missing field fails whichever constraint runs first ("must be shorter than …"): say what is wrong.
    const missing = error.value === undefined || error.value === null;
    const messages = missing ? ['is required'] : Object.values(error.constraints ?? {});
    const own = error.constraints ? [{ field, messages }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Keys that name JavaScript internals (`{"item":{"constructor":1}}`): refused wherever they occur, since
 * class-transformer and object spreads treat them specially. The walk is bounded (JSON nests shallowly).
 */
function reservedKeys(plain: unknown, where: string): InvalidField[] {
  const found: InvalidField[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: plain, path: where, depth: 0 },
  ];
  let visited = 0;
  while (stack.length > 0 && visited < 100_000 && found.length < 10) {
    const { value, path, depth } = stack.pop()!;
    visited++;
    if (value === null || typeof value !== 'object' || depth > 64) continue;
    for (const key of Object.keys(value)) {
      const child = path === where ? key : `${path}.${key}`;
      if (RESERVED.has(key)) found.push({ field: child, messages: ['reserved name'] });
      else stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return found;
}

/**
 * Turns a plain body or query into a DTO instance, or throws a 400 listing every invalid field.
 * Unknown fields are refused (`forbidNonWhitelisted`), so a typo never silently does nothing.
 */
export function validateInput<T extends object>(
  dto: ClassConstructor<T>,
  plain: unknown,
  where: 'body' | 'query',
): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new HttpProblem('validationFailed', `the ${where} must be a JSON object`, {
      invalidFields: [{ field: where, messages: ['must be an object'] }],
    });
  }
  const reserved = reservedKeys(plain, where);
  if (reserved.length > 0) {
    throw new HttpProblem('validationFailed', `invalid ${where}: ${reserved[0]!.field} is a reserved name`, {
      invalidFields: reserved,
    });
  }
  let instance: T;
  try {
    instance = plainToInstance(dto, plain, {
      enableImplicitConversion: where === 'query',
      exposeDefaultValues: true,
    });
  } catch (error) {
    // class-transformer can trip over odd shapes; whatever it is, the input is at fault, not the server
    throw new HttpProblem('validationFailed', `the ${where} cannot be read: ${(error as Error).message}`, {
      invalidFields: [{ field: where, messages: ['cannot be read'] }],
    });
  }
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: true },
  });
  if (errors.length > 0) {
    const invalidFields = flatten(errors);
    const summary = invalidFields.map((f) => `${f.field}: ${f.messages.join('; ')}`).join(' · ');
    throw new HttpProblem('validationFailed', `invalid ${where}: ${summary}`, { invalidFields });
  }
  return instance;
}
