/**
 * Reads string fields from a request body the way Django REST framework's CharField does, with its
 * error texts: required, not null, not blank (after trimming surrounding white space, which DRF
 * does by default, passwords included), a string or a number (read as its text), then its
 * validators: no NUL character, no lone surrogate.
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

/** A UTF-16 surrogate without its other half: Python's str holds these as code points. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The field's text, or its problems in DRF's order. */
function readField(value: unknown): { text: string } | { problems: string[] } {
  if (value === undefined) return { problems: [messages.fieldRequired] };
  if (value === null) return { problems: [messages.fieldNotNull] };
  if (typeof value === 'string' && value.trim() === '')
    return { problems: [messages.fieldNotBlank] };
  if (typeof value !== 'string' && typeof value !== 'number') {
    return { problems: [messages.fieldNotString] };
  }
  const text = String(value).trim();
  const problems: string[] = [];
  if (text.includes('\u0000')) problems.push(messages.fieldNullCharacters);
  const surrogate = loneSurrogate.exec(text);
  if (surrogate) problems.push(messages.fieldSurrogateCharacter(surrogate[0].charCodeAt(0)));
  return problems.length > 0 ? { problems } : { text };
}

export function readStringFields<const K extends string>(
  body: unknown,
  names: readonly K[],
): Record<K, string> {
  if (body === null) {
    throw new AppError('invalid', 'Invalid input.', {
      fields: { non_field_errors: [messages.noDataProvided] },
    });
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid', 'Invalid input.', {
      fields: { non_field_errors: [messages.expectedDictionary(pythonTypeName(body))] },
    });
  }
  const source = body as Record<string, unknown>;
  const fields: Record<string, string[]> = {};
  const values: Partial<Record<K, string>> = {};
  for (const name of names) {
    const field = readField(source[name]);
    if ('problems' in field) fields[name] = field.problems;
    else values[name] = field.text;
  }
  if (Object.keys(fields).length > 0) throw new AppError('invalid', 'Invalid input.', { fields });
  return values as Record<K, string>;
}
