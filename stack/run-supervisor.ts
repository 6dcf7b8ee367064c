/** The supervisor's process: `node stack/run-supervisor.ts <workers> <first metrics port>`. */
import { supervise } from './stack-supervisor.ts';

const [workers, metricsPort] = process.argv.slice(2).map(Number);
if (!Number.isInteger(workers) || !Number.isInteger(metricsPort)) {
  throw new Error('usage: node stack/run-supervisor.ts <workers> <first metrics port>');
}
await supervise(workers ?? 0, metricsPort ?? 0);
