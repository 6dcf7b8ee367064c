import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree } from '../../../tools/process-cpu.ts';
import {
  allCores,
  appProcesses,
  coresIn,
  pinTarget,
  targetCpu,
} from '../../runner/target-processes.ts';

/**
 * A target as the load test sees one: a root process, named like the dev server's watcher,
 * that spins for 300 ms, and below it an "app" that runs `start.ts` and keeps its main thread
 * busy.
 */
const target = `
  const { spawn } = require('node:child_process');
  spawn(process.execPath, ['-e', 'for (;;) {}', 'app/src/start.ts'], { stdio: 'ignore' });
  const until = Date.now() + 300;
  while (Date.now() < until) {}
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
      stdio: 'ignore',
    });
    rootPid = root.pid ?? NaN;
    while (processTree([rootPid]).length < 2) await sleep(50);
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
    await sleep(1000);
    const spent = targetCpu([rootPid]);
    const app = spent.app - start.app;
    // The app spins on one core for the whole second; its main thread is the spinning one.
    assert.ok(app > 0.6, JSON.stringify({ start, spent }));
    assert.ok(spent.js - start.js > 0.6, JSON.stringify({ start, spent }));
    // Since they started: the root's own 300 ms of spinning counts too.
    assert.ok(spent.total >= spent.app + 0.25, JSON.stringify(spent));
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
