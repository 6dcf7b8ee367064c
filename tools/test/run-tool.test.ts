import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    // The background child ends after the shell became `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', '(sleep 1) & echo $!; exec sleep 5']);
    const [line] = (await once(parent.stdout, 'data')) as [Buffer];
    const zombie = Number(line.toString().trim());
    try {
      assert.equal(isAlive(zombie), true, 'the child is running at first');
      const deadline = Date.now() + 5000;
      while (!/\) Z /.test(readFileSync(`/proc/${zombie}/stat`, 'utf8'))) {
        assert.ok(Date.now() < deadline, 'the child never became a zombie');
        await sleep(50);
      }
      assert.equal(isAlive(zombie), false);
    } finally {
      parent.kill();
    }
  });
});
