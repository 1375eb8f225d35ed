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
  const instance = plainToInstance(dto, plain, {
    enableImplicitConversion: where === 'query',
    exposeDefaultValues: true,
  });
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
