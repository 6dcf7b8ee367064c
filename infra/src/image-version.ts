/**
 * A short hash of what an image is built from: its Dockerfile, the files its own ignore file
 * (`<Dockerfile>.dockerignore`) lets into the build, and its build arguments. It changes when,
 * and only when, the provider would rebuild the image, which hashes the same files: the app
 * containers carry it in their names, so a new image makes new containers beside the old ones.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The allowlist of an ignore file written as `*`, then `!path` lines, then exclusions. */
function readAllowlist(ignoreFile: string): { included: string[]; excluded: string[] } {
  const lines = readFileSync(ignoreFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines[0] !== '*') throw new Error(`${ignoreFile}: expected an allowlist that starts with *`);
  return {
    included: lines.filter((line) => line.startsWith('!')).map((line) => line.slice(1)),
    excluded: lines.slice(1).filter((line) => !line.startsWith('!')),
  };
}

/** Every file under `path` (a file or a folder), as paths relative to `root`, sorted. */
function filesUnder(root: string, path: string, excluded: string[]): string[] {
  if (excluded.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return [];
  const full = join(root, path);
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((entry) => filesUnder(root, relative(root, join(full, entry)), excluded));
}

export function imageVersion(
  context: string,
  dockerfile: string,
  args: Record<string, string>,
): string {
  const { included, excluded } = readAllowlist(`${dockerfile}.dockerignore`);
  const hash = createHash('sha256');
  hash.update(readFileSync(dockerfile));
  for (const [key, value] of Object.entries(args).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`\0arg ${key}=${value}`);
  }
  for (const file of included.flatMap((path) => filesUnder(context, path, excluded))) {
    hash.update(`\0file ${file}\0`);
    hash.update(readFileSync(join(context, file)));
  }
  return hash.digest('hex').slice(0, 12);
}
