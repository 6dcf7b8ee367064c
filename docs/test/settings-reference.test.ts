import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { referenceFile, settingsReference } from '../settings-reference.ts';

describe('the settings reference', () => {
  it('is what `npm run docs` writes from the schemas (run it after changing a setting)', async () => {
    assert.equal(readFileSync(referenceFile, 'utf8'), await settingsReference());
  });

  it('names every variable of .env.example', () => {
    const reference = readFileSync(referenceFile, 'utf8');
    const variables = [...readFileSync('.env.example', 'utf8').matchAll(/^#?\s*([A-Z0-9_]+)=/gm)];
    assert.ok(variables.length > 10);
    for (const [, name = ''] of variables) assert.match(reference, new RegExp(`\`${name}\``));
  });
});
