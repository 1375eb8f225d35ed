import type { Runtime } from '../runtime/runtime';
import { findUnitPath } from '../persistence/directory';
import { HttpProblem } from './problem';

/**
 * The path of a unit a request names in `field`, or 400 validation-failed naming the field when no such
 * unit exists (a client's mistake, never a 404 of the route itself).
 */
export async function requireUnitPath(
  runtime: Pick<Runtime, 'database'>,
  unitId: string,
  field: string,
): Promise<string> {
  const path = await findUnitPath(runtime.database.dataSource, unitId);
  if (path === null)
    throw new HttpProblem('validationFailed', `${field}: unit ${unitId} does not exist`, {
      invalidFields: [{ field, messages: [`unit ${unitId} does not exist`] }],
    });
  return path;
}
