import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boolean, byteSize, ConfigValueError, durationSeconds } from '../parsers.ts';

describe('durationSeconds', () => {
  it('reads seconds, minutes, hours and days', () => {
    assert.equal(durationSeconds('45'), 45);
    assert.equal(durationSeconds('30s'), 30);
    assert.equal(durationSeconds('5m'), 300);
    assert.equal(durationSeconds('2h'), 7200);
    assert.equal(durationSeconds('1d'), 86400);
    assert.equal(durationSeconds('500ms'), 0.5);
  });

  it('refuses anything else', () => {
    for (const raw of ['', '-1s', '5 minutes', '1w', 'm']) {
      assert.throws(() => durationSeconds(raw), ConfigValueError);
    }
  });
});

describe('boolean', () => {
  it('reads the usual spellings and refuses others', () => {
    assert.equal(boolean('TRUE'), true);
    assert.equal(boolean('on'), true);
    assert.equal(boolean('0'), false);
    assert.throws(() => boolean('maybe'), /expected true or false, got "maybe"/);
  });
});

describe('byteSize', () => {
  it('reads bytes, kilobytes and megabytes', () => {
    assert.equal(byteSize('512'), 512);
    assert.equal(byteSize('16kb'), 16384);
    assert.equal(byteSize('2MB'), 2 * 1024 * 1024);
    assert.throws(() => byteSize('lots'), ConfigValueError);
  });
});
