/**
 * The banner a report opens with when the machine was busy with other work during the run: the
 * share of its CPU other processes took (loadtest/runner/machine-load.ts measures it).
 */
import type { Machine } from './results.ts';

/** From this share of the machine on (a tenth), the report says it shared the machine. */
export const busyShare = 0.1;

export function busyBanner(load: Machine['others_cpu']): string | null {
  if (load === null || Math.max(load.mean, load.before) < busyShare) return null;
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  return `This machine was busy with other work: other processes took ${percent(load.mean)} of its CPU during the run (peak ${percent(load.peak)}; ${percent(load.before)} before it began). Every figure here is lower than the machine gives when idle; the targets ran under the same conditions, one after the other.`;
}
