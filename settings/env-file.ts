import { existsSync } from 'node:fs';

/** Loads `.env` into process.env; variables already set in the environment win. */
export function loadEnvFile(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
