/** What the figures were measured on, for the report. */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { nginxBinary } from '../../nginx/src/nginx-server.ts';
import type { Machine } from '../report/results.ts';

function nginxVersion(): string | null {
  let binary: string;
  try {
    binary = nginxBinary();
  } catch {
    return null;
  }
  const result = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return result.status === 0 ? result.stderr.trim().replace(/^nginx version: /, '') : null;
}

export function describeMachine(
  k6Version: string,
  pm2Instances: number | null,
): Omit<Machine, 'others_cpu'> {
  return {
    cores: cpus().length,
    cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    nginx: nginxVersion(),
    k6: k6Version,
    pm2_instances: pm2Instances,
  };
}
