/** The repository's root folder, for the commands that resolve files from anywhere. */
import { resolve } from 'node:path';

export const projectRoot = resolve(import.meta.dirname, '..');
