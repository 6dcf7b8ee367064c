/**
 * The swarm lab's refusals, which make nothing. The lab itself is made and removed by
 * infra/test/index.multinode-engine.test.ts, which also checks that `down` leaves nothing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runScript } from '../../../testing/run-script.ts';
import { LabError, labUp } from '../../lab/swarm-lab.ts';

const cli = join(import.meta.dirname, '..', '..', 'lab', 'swarm-lab-cli.ts');

describe('the swarm lab', () => {
  it('refuses a node count it cannot make, before making anything', async () => {
    await assert.rejects(labUp({ nodes: 0 }), (error: unknown) => {
      assert.ok(error instanceof LabError);
      assert.match(error.message, /--nodes must be a whole number from 1 to 9, got 0/);
      return true;
    });
  });

  it('answers an unknown command with its usage and exit code 2', async () => {
    const result = await runScript(cli, ['bogus']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^swarm-lab: usage: npm run swarm-lab -- up \[--nodes N\]/);
  });
});
