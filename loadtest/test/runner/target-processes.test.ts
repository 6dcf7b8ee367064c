import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTreeCpu } from '../../../tools/process-cpu.ts';
import {
  allCores,
  appProcesses,
  coresIn,
  pinTarget,
  targetCpu,
} from '../../runner/target-processes.ts';

/** The processes of a tree, as pinTarget and targetCpu see them. */
const processTree = (roots: number[]) => [...processTreeCpu(roots).keys()];

/**
 * A target as the load test sees one: a root process, named like the dev server's watcher,
 * that spends 300 ms of CPU and says so, and below it an "app" that runs `start.ts` and keeps
 * its main thread busy. CPU time, not wall time: a busy machine gives less of a second.
 */
const target = `
  const { spawn } = require('node:child_process');
  spawn(process.execPath, ['-e', 'for (;;) {}', 'app/src/start.ts'], { stdio: 'ignore' });
  const spent = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1e6; };
  while (spent() < 0.3) {}
  process.stdout.write('spun\\n');
  setInterval(() => {}, 1000);
`;

/** What taskset set: `thread` as `<pid>/task/<tid>`. */
const allowedCores = (thread: string) =>
  /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${thread}/status`, 'utf8'))?.[1];

describe('a local target’s processes', () => {
  let root: ChildProcess;
  let rootPid: number;

  before(async () => {
    root = spawn(process.execPath, ['--watch-preserve-output', '-e', target, 'app/src/start.ts'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    rootPid = root.pid ?? NaN;
    await once(root.stdout ?? process.stdin, 'data');
  });
  after(() => {
    for (const pid of processTree([rootPid]).reverse()) process.kill(pid, 'SIGKILL');
  });

  it('are the root and everything below it; the app is what runs start.ts, not a watcher', () => {
    const tree = processTree([rootPid]);
    assert.equal(tree.length, 2);
    const app = appProcesses(tree);
    assert.equal(app.length, 1);
    assert.notEqual(app[0], rootPid);
  });

  it('spend CPU the reading sees, the app’s on its main thread', async () => {
    const start = targetCpu([rootPid]);
    let spent = start;
    // However busy the machine, until the app has spun for 300 ms more.
    while (spent.app - start.app < 0.3) {
      await sleep(100);
      spent = targetCpu([rootPid]);
    }
    // Its main thread is the spinning one: nearly all the app's CPU.
    const app = spent.app - start.app;
    assert.ok(spent.js - start.js >= app * 0.8, JSON.stringify({ start, spent }));
    // Since they started: the root's own 300 ms of spinning counts too.
    assert.ok(spent.total >= spent.app + 0.25, JSON.stringify(spent)); // /proc counts in ticks
    assert.equal(spent.nginx, 0);
  });

  it('are pinned to the cores asked for, every thread of them, and given every core back', () => {
    pinTarget([rootPid], '0');
    const threads = () =>
      processTree([rootPid]).flatMap((pid) =>
        readdirSync(`/proc/${String(pid)}/task`).map((tid) => `${String(pid)}/task/${tid}`),
      );
    assert.ok(threads().length > 4, 'node runs threads beside its main one');
    for (const thread of threads()) assert.equal(allowedCores(thread), '0', thread);
    pinTarget([rootPid], allCores());
    for (const thread of threads()) assert.equal(allowedCores(thread), allCores(), thread);
    assert.equal(coresIn(allCores()), cpus().length);
  });
});

describe('a taskset list', () => {
  it('names as many cores as its ranges and single cores hold', () => {
    assert.equal(coresIn('1'), 1);
    assert.equal(coresIn('0-3,6'), 5);
  });
});
