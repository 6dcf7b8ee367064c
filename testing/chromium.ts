/**
 * Headless Chromium (Debian's, installed by tools/setup.sh), for the tests that look at a page as
 * a person would. The flags keep it off the network it has no business reaching.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tempDir } from './temp-dir.ts';

const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Runs Chromium with `args` (`--dump-dom URL`, `--screenshot=FILE URL`); returns its stdout. */
export function chromium(args: string[]): string {
  const result = spawnSync('chromium', [...flags, `--user-data-dir=${tempDir()}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}
