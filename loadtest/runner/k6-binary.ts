/**
 * The k6 the runs use: the pinned version the setup script builds into .tools/bin, or a k6 of that
 * version on PATH. k6 is not in Debian or npm; elsewhere install it from your package manager or
 * grafana.com/docs/k6/latest/set-up/install-k6/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../tools/project-root.ts';

/** loadtest/k6-version, which tools/setup.sh reads too. */
export const pinnedK6Version = readFileSync(
  join(projectRoot, 'loadtest', 'k6-version'),
  'utf8',
).trim();

const versionOf = (binary: string): string | undefined => {
  const result = spawnSync(binary, ['version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
};

export function findK6(): { binary: string; version: string } {
  const candidates = [join(projectRoot, '.tools', 'bin', 'k6'), 'k6'];
  for (const binary of candidates) {
    if (binary !== 'k6' && !existsSync(binary)) continue;
    const version = versionOf(binary);
    if (version?.startsWith(`k6 ${pinnedK6Version} `)) return { binary, version };
  }
  throw new Error(
    `k6 ${pinnedK6Version} is missing: run \`npm run setup\` (it builds it with go install into .tools/bin)`,
  );
}
