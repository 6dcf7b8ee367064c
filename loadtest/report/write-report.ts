/** Writes loadtest/reports/<timestamp>/ and points loadtest/reports/latest at it. */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Results } from './results.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';

export function reportDir(reportsRoot: string, startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const dir = join(reportsRoot, stamp);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeReport(dir: string, reportsRoot: string, results: Results): void {
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'report.md'), renderMarkdown(results));
  writeFileSync(join(dir, 'report.html'), renderHtml(results));
  const latest = join(reportsRoot, 'latest');
  rmSync(latest, { force: true });
  symlinkSync(dir.slice(reportsRoot.length + 1), latest);
}
