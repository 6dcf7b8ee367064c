import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../testing/temp-dir.ts';
import { rotateNginxLogs } from '../nginx-log-rotation.ts';

describe("rotating nginx's logs", () => {
  it('renames a log past the size, tells nginx to reopen, and keeps only the newest few', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'access.log'), 'x'.repeat(2000));
    writeFileSync(join(dir, 'error.log'), 'small');
    for (const old of ['2026-01-01', '2026-01-02', '2026-01-03']) {
      writeFileSync(join(dir, `access.log.${old}`), '');
    }
    let reopened = 0;
    const rotated = rotateNginxLogs(
      dir,
      { maxBytes: 1024, retain: 2 },
      () => (reopened += 1),
      new Date('2026-02-01T10:00:00Z'),
    );
    assert.deepEqual(rotated, ['access.log.2026-02-01T10-00-00-000Z']);
    assert.equal(reopened, 1);
    assert.deepEqual(readdirSync(dir).sort(), [
      'access.log',
      'access.log.2026-01-03',
      'access.log.2026-02-01T10-00-00-000Z',
      'error.log',
    ]);
    // Made before nginx reopens it, for its owner only (nginx itself would make it 0644).
    assert.equal(statSync(join(dir, 'access.log')).size, 0);
    assert.equal(statSync(join(dir, 'access.log')).mode & 0o777, 0o600);
  });

  it('leaves logs below the size alone, and nginx undisturbed', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'access.log'), 'small');
    let reopened = 0;
    assert.deepEqual(
      rotateNginxLogs(dir, { maxBytes: 1024, retain: 2 }, () => (reopened += 1)),
      [],
    );
    assert.equal(reopened, 0);
  });
});
