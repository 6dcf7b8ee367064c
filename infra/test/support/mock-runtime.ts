/**
 * Runs the Pulumi program (infra/index.ts) under Pulumi's own mock runtime, without the CLI or a
 * Docker engine, and records every resource it declares with the inputs the provider would get.
 * The mock provider echoes inputs back as state; an image's `repoDigest` is its `imageName`,
 * which is what a local build tagged with that name resolves to.
 */
import * as pulumi from '@pulumi/pulumi';

export interface DeclaredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The explicit provider's reference, when the resource has one. */
  provider?: string;
}

export interface ProgramRun {
  resources: DeclaredResource[];
  url: string;
  containerNames: string[];
  serviceNames: string[];
  /** The program's exported outputs, as Outputs: to ask whether they are secret. */
  program: {
    url: unknown;
    containerNames: pulumi.Output<string>[];
    serviceNames: pulumi.Output<string>[];
  };
}

export const project = 'prodstack';

let runs = 0;

const valueOf = <T>(output: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => output.apply(resolve));

/** `config` is keyed without the project's namespace: `{ replicas: '3' }`. */
/** `resources` collects what the program declares, also when it stops with an error. */
export async function runProgram(
  config: Record<string, string>,
  stack = 'test',
  resources: DeclaredResource[] = [],
): Promise<ProgramRun> {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        resources.push({
          type: args.type,
          name: args.name,
          inputs,
          ...(args.provider === undefined ? {} : { provider: args.provider }),
        });
        const state =
          args.type === 'docker:index/image:Image'
            ? { ...inputs, repoDigest: inputs.imageName }
            : inputs;
        return { id: `${args.name}-id`, state };
      },
      // The program calls no provider functions; a call would be a change these tests must see.
      call: (args) => {
        throw new Error(`unexpected provider call ${args.token}`);
      },
    },
    project,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [`${project}:${key}`, value])),
    [`${project}:jwtSigningKey`, `${project}:databasePassword`],
  );
  runs += 1;
  const program = (await import(`../../index.ts?run=${runs}`)) as ProgramRun['program'];
  const containerNames = await Promise.all(program.containerNames.map(valueOf));
  const serviceNames = await Promise.all(program.serviceNames.map(valueOf));
  return { resources, url: program.url as string, containerNames, serviceNames, program };
}

export const ofType = (run: ProgramRun, type: string) =>
  run.resources.filter((resource) => resource.type === type);
