/**
 * How much memory a process needs to hash passwords, so a process manager's limit can follow
 * from the hash concurrency instead of restarting a worker in the middle of a login flood.
 * Measured here with `npm start` (Node 24, 2 cores): 81 MB at rest; under a stream of logins the
 * peak was 211 MB with one hash at a time and 339 MB with two, 128 MiB a hash (scrypt's
 * 128·r·N bytes at N=2^17, r=8).
 */
import type { ScryptParams } from './password-hashing.ts';

/** What a worker holds besides its hashes, at rest and serving, with room to spare. */
const restingMb = 160;

export const scryptMemoryMb = (params: ScryptParams): number =>
  Math.ceil((128 * params.r * 2 ** params.logN) / (1024 * 1024));

/** The memory limit a worker with `concurrency` hashes at once stays under. */
export const workerMemoryMb = (concurrency: number, params: ScryptParams): number =>
  restingMb + concurrency * scryptMemoryMb(params);
