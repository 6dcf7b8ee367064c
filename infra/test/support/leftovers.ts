/**
 * What a test's stack may leave on the engine, found by its name prefix: to check that removing
 * the stack removed everything, and to clear what an interrupted run left before the next one.
 */
import { runDocker } from './docker-cli.ts';

/** Each kind, in the order they can go: services before their secrets, containers before networks. */
const kinds = {
  service: { list: ['service', 'ls', '--format', '{{.Name}}'], remove: ['service', 'rm'] },
  secret: { list: ['secret', 'ls', '--format', '{{.Name}}'], remove: ['secret', 'rm'] },
  container: {
    list: ['ps', '--all', '--format', '{{.Names}}'],
    remove: ['rm', '--force', '--volumes'],
  },
  network: { list: ['network', 'ls', '--format', '{{.Name}}'], remove: ['network', 'rm'] },
  volume: { list: ['volume', 'ls', '--format', '{{.Name}}'], remove: ['volume', 'rm'] },
};

export type ResourceKind = keyof typeof kinds;

function named(prefix: string, kind: ResourceKind): string[] {
  return runDocker({ args: kinds[kind].list })
    .output.split('\n')
    .filter((line) => line.startsWith(prefix));
}

/** The names of everything of these kinds still on the engine that starts with `prefix`. */
export const leftovers = (prefix: string, of: ResourceKind[]): string[] =>
  of.flatMap((kind) => named(prefix, kind));

export function removeLeftovers(prefix: string, of: ResourceKind[]): void {
  for (const kind of Object.keys(kinds) as ResourceKind[]) {
    if (!of.includes(kind)) continue;
    for (const name of named(prefix, kind)) runDocker({ args: [...kinds[kind].remove, name] });
  }
}
