/**
 * Runs the Pulumi program (infra/index.ts) under Pulumi's own mock runtime, without the CLI or a
 * Docker engine, and records every resource it declares with the inputs the provider would get,
 * and where it sits in the tree. The mock provider echoes inputs back as state; an image's
 * `repoDigest` is its `imageName`, which is what a local build tagged with that name resolves to,
 * or, for an image pushed to a registry, its repository and a digest the translation fills in
 * once it has pushed (docker-cli.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import { pendingDigest, repositoryOf } from './docker-cli.ts';
import { autoName } from './inputs.ts';

export interface DeclaredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The explicit provider's reference, when the resource has one. */
  provider?: string;
  /** Its parent's URN; empty at the top of the stack. */
  parent: string;
  /** The parents it says it once had ('' for the top of the stack), so that an update keeps it. */
  formerParents: string[];
  /** Its deleteBeforeReplace option, when the program sets one. */
  deleteBeforeReplace?: boolean;
}

/** What the engine is asked to register, as far as these tests read it (resource.proto). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAliasesList(): { getSpec(): { getNoparent(): boolean; getParenturn(): string } | undefined }[];
}

interface ResourceMonitor {
  registerResource(request: RegisterRequest, callback: unknown): Promise<void>;
}

export interface ProgramRun {
  /** The provider's resources: what `pulumi up` would create. */
  resources: DeclaredResource[];
  /** The program's own components, which group them. */
  components: DeclaredResource[];
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

function repoDigestOf(resource: string, inputs: Record<string, unknown>): string {
  const imageName = String(inputs.imageName);
  if (inputs.skipPush === true) return imageName;
  return `${repositoryOf(imageName)}@${pendingDigest(resource)}`;
}

const valueOf = <T>(output: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => output.apply(resolve));

/** `config` is keyed without the project's namespace: `{ replicas: '3' }`. */
/** `resources` collects what the program declares, also when it stops with an error. */
export async function runProgram(
  config: Record<string, string>,
  stack = 'test',
  resources: DeclaredResource[] = [],
): Promise<ProgramRun> {
  const components: DeclaredResource[] = [];
  const placed = new Map<
    string,
    Pick<DeclaredResource, 'parent' | 'formerParents' | 'deleteBeforeReplace'>
  >();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = args.inputs as Record<string, unknown>;
        const place = placed.get(`${args.type}::${args.name}`) ?? { parent: '', formerParents: [] };
        (args.custom === false ? components : resources).push({
          type: args.type,
          name: args.name,
          inputs,
          ...(args.provider === undefined || args.provider === ''
            ? {}
            : { provider: args.provider }),
          ...place,
        });
        const state =
          args.type === 'docker:index/image:Image'
            ? { ...inputs, repoDigest: repoDigestOf(args.name, inputs) }
            : // A resource declared without a name is named by Pulumi.
              { ...inputs, name: inputs.name ?? autoName(args.name, inputs) };
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
  // The mock provider is told neither parent nor aliases: read them from the request itself.
  const monitor = pulumi.runtime.getMonitor() as unknown as ResourceMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const formerParents = request.getAliasesList().flatMap((alias) => {
      const spec = alias.getSpec();
      if (spec === undefined) return [];
      return [spec.getNoparent() ? '' : spec.getParenturn()];
    });
    placed.set(`${request.getType()}::${request.getName()}`, {
      parent: request.getParent(),
      formerParents,
      ...(request.getDeletebeforereplacedefined()
        ? { deleteBeforeReplace: request.getDeletebeforereplace() }
        : {}),
    });
    return register(request, callback);
  };
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [`${project}:${key}`, value])),
    [
      `${project}:jwtSigningKey`,
      `${project}:jwtVerifyingKeys`,
      `${project}:databasePassword`,
      `${project}:registryPassword`,
    ],
  );
  runs += 1;
  const program = (await import(`../../index.ts?run=${runs}`)) as ProgramRun['program'];
  const containerNames = await Promise.all(program.containerNames.map(valueOf));
  const serviceNames = await Promise.all(program.serviceNames.map(valueOf));
  return {
    resources,
    components,
    url: program.url as string,
    containerNames,
    serviceNames,
    program,
  };
}

export const ofType = (run: ProgramRun, type: string) =>
  run.resources.filter((resource) => resource.type === type);
