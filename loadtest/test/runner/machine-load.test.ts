import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../../tools/project-root.ts';
import { busyBanner } from '../../report/busy-banner.ts';
import { watchMachineLoad } from '../../runner/machine-load.ts';

describe('the machine load a run reports', () => {
  it('sees another process keeping a core busy, apart from the run’s own', async () => {
    // Started outside the project: not this run's.
    const burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { cwd: tmpdir() });
    try {
      const watch = await watchMachineLoad([projectRoot], { probeSeconds: 1, everySeconds: 1 });
      await sleep(3000);
      // What the projection's check reads while the run goes on, before the run's end.
      assert.ok(watch.meanSoFar() >= (1 / cpus().length) * 0.6, String(watch.meanSoFar()));
      const load = watch.stop();
      // One core of this machine's: a share of 1 / cores, less what the scheduler keeps back.
      const oneCore = 1 / cpus().length;
      assert.ok(load.mean >= oneCore * 0.6, JSON.stringify(load));
      assert.ok(load.before >= oneCore * 0.6, JSON.stringify(load));
      assert.ok(load.peak >= load.mean && load.peak <= 1, JSON.stringify(load));
    } finally {
      burner.kill('SIGKILL');
    }
  });

  it('opens the report with a banner when other work took a tenth of the machine or more', () => {
    assert.equal(
      busyBanner({ before: 0.48, mean: 0.5, peak: 0.55 }),
      'This machine was busy with other work: other processes took 50% of its CPU during the run (peak 55%; 48% before it began). Every figure here is lower than the machine gives when idle; the targets ran under the same conditions, one after the other.',
    );
    assert.equal(busyBanner({ before: 0.02, mean: 0.04, peak: 0.2 }), null);
    assert.equal(busyBanner(null), null);
  });
});
