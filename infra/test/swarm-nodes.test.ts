import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registryProblem } from '../src/swarm-nodes.ts';

describe('the registry a swarm needs', () => {
  it('refuses a swarm of more than one node without a registry, saying how to set one', () => {
    assert.match(
      registryProblem(3, undefined) ?? '',
      /^the swarm has 3 nodes and no registry is set: .*pulumi config set registry <host:port>/,
    );
  });

  it('lets one node go without a registry, and any swarm with one, or one it could not ask', () => {
    assert.equal(registryProblem(1, undefined), undefined);
    assert.equal(registryProblem(3, '10.0.0.5:5000'), undefined);
    assert.equal(registryProblem(undefined, undefined), undefined);
  });
});
