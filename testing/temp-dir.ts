import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder, removed when the test process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prodstack-test-'));
  process.once('exit', () => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
