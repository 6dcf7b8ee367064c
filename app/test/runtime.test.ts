import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('the runtime', () => {
  it('is Node 24, from the project’s own node devDependency', () => {
    assert.equal(process.versions.node.split('.')[0], '24');
  });
});
