import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../run-tool.ts';

describe('telling whether a process is alive', () => {
  it('says yes for a running process and no for one that is gone', async () => {
    const child = spawn('sleep', ['5']);
    const pid = Number(child.pid);
    assert.equal(isAlive(pid), true);
    child.kill();
    await once(child, 'exit');
    assert.equal(isAlive(pid), false);
  });

  it('says no for a process that ended but was never reaped by its parent', async () => {
    // The background `true` ends at once; its parent becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 5']);
    const [line] = (await once(parent.stdout, 'data')) as [Buffer];
    const zombie = Number(line.toString().trim());
    try {
      await sleep(200);
      assert.ok(existsSync(`/proc/${zombie}`), 'the ended child is still in the process table');
      assert.equal(isAlive(zombie), false);
    } finally {
      parent.kill();
    }
  });
});
