/** The docker CLI, as the container scripts and tests use it. */
import { runTool, runToolOrThrow } from './run-tool.ts';

/** Runs docker to completion and returns its output; a failure throws with what docker said. */
export function docker(args: string[]): string {
  return runToolOrThrow('docker', args);
}

export function engineAnswers(): boolean {
  try {
    return runTool('docker', ['info', '--format', '{{.ServerVersion}}']).status === 0;
  } catch {
    return false;
  }
}

export function requireEngine(): void {
  if (!engineAnswers()) {
    throw new Error(
      'no Docker engine answers `docker info`: run `npm run setup` (it installs and starts one as root), or start Docker yourself',
    );
  }
}

export function imageExists(reference: string): boolean {
  return runTool('docker', ['image', 'inspect', reference]).status === 0;
}
