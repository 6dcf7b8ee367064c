import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readStackConfig, stackConfigSchema } from '../src/stack-config.ts';

const known = new Set([...Object.values(stackConfigSchema).map(({ env }) => env), 'jwtSigningKey']);

/** The `prodstack:<key>: '<value>'` lines of an example stack file. */
function stackValues(file: string): Record<string, string> {
  const text = readFileSync(join(import.meta.dirname, '..', file), 'utf8');
  const entries = [...text.matchAll(/^ {2}prodstack:(\w+): (["'])(.*)\2$/gm)].map(
    ([, key = '', , value = '']) => [key, value],
  );
  assert.ok(entries.length > 0, `${file} sets no prodstack: values`);
  return Object.fromEntries(entries) as Record<string, string>;
}

describe('the example stack files', () => {
  for (const file of ['Pulumi.dev.yaml', 'Pulumi.prod.yaml']) {
    it(`${file} sets only keys the program reads, each to a value it accepts`, () => {
      const values = stackValues(file);
      assert.deepEqual(
        Object.keys(values).filter((key) => !known.has(key)),
        [],
      );
      assert.doesNotThrow(() => readStackConfig((key) => values[key]));
    });

    it(`${file} leaves the signing key to \`pulumi config set --secret\``, () => {
      assert.equal(stackValues(file).jwtSigningKey, undefined);
    });
  }
});
