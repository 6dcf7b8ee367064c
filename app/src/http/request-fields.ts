/**
 * Reads string fields from a request body the way Django REST framework's CharField does, with its
 * error texts: required, not null, a string, not blank (after trimming surrounding white space,
 * which DRF does by default, passwords included).
 */
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';

const pythonTypeName = (value: unknown): string => {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
};

function fieldProblem(value: unknown): string | undefined {
  if (value === undefined) return messages.fieldRequired;
  if (value === null) return messages.fieldNotNull;
  if (typeof value !== 'string') return messages.fieldNotString;
  if (value.trim() === '') return messages.fieldNotBlank;
  return undefined;
}

export function readStringFields<const K extends string>(
  body: unknown,
  names: readonly K[],
): Record<K, string> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid', 'Invalid input.', {
      fields: { non_field_errors: [messages.expectedDictionary(pythonTypeName(body))] },
    });
  }
  const source = body as Record<string, unknown>;
  const fields: Record<string, string[]> = {};
  const values: Partial<Record<K, string>> = {};
  for (const name of names) {
    const problem = fieldProblem(source[name]);
    if (problem) fields[name] = [problem];
    else values[name] = (source[name] as string).trim();
  }
  if (Object.keys(fields).length > 0) throw new AppError('invalid', 'Invalid input.', { fields });
  return values as Record<K, string>;
}
