/**
 * What @pulumi/docker 5.2.0 (kreuzwerker/docker 3) reads back from the engine for each resource
 * the program declares, in the provider's input shape, and where that differs from what was
 * declared: what `pulumi preview --refresh` would show as a change after `up` (a replacement,
 * for a field that forces one). The forms follow the provider's flatteners: durations as Go
 * writes them with trailing zero units cut, a tmpfs mode's permission bits, a network's pools
 * with their gateways, a service's networks and secrets by engine id, a ratio with one decimal.
 *
 * A declared field the reader neither reads back nor lists as kept (the provider holds it in its
 * state and never compares it with the engine) is reported too: a new input cannot go unchecked.
 */
import { runDocker } from './docker-cli.ts';
import { autoName, list, record, reveal, type Inputs } from './inputs.ts';

export interface Drift {
  resource: string;
  field: string;
  declared: unknown;
  readBack: unknown;
}

export interface Declared {
  type: string;
  name: string;
  inputs: Inputs;
}

/** What a reader gives: the fields read back, and those the provider keeps without reading. */
export interface Reading {
  read: Inputs;
  kept: string[];
}

type Json = Record<string, unknown>;

function inspect(args: string[]): Json {
  const { status, output } = runDocker({ args: [...args, '--format', '{{json .}}'] });
  if (status !== 0) throw new Error(`docker ${args.join(' ')}: ${output}`);
  // A warning the CLI prints (stderr comes with stdout here) is not the object.
  const json = output.split('\n').find((line) => line.startsWith('{'));
  if (json === undefined) throw new Error(`docker ${args.join(' ')} printed no object: ${output}`);
  return JSON.parse(json) as Json;
}

/** The provider's duration form: Go's time.Duration.String(), "m0s" and "h0m" cut. */
export function shortDuration(nanoseconds: unknown): string {
  const total = Number(nanoseconds ?? 0) / 1e9;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const go =
    hours > 0
      ? `${hours}h${minutes}m${seconds}s`
      : minutes > 0
        ? `${minutes}m${seconds}s`
        : `${seconds}s`;
  return go.replace(/m0s$/, 'm').replace(/h0m$/, 'h');
}

/** `K=V` lines as a map, as the provider reads a service's environment. */
const envMap = (lines: unknown) =>
  Object.fromEntries(
    list(lines).map((line) => {
      const text = String(line);
      return [text.slice(0, text.indexOf('=')), text.slice(text.indexOf('=') + 1)];
    }),
  );

/**
 * A health check's test. The docker CLI, which stands in for the provider here, can only make a
 * CMD-SHELL check; the provider sends the declared CMD form, which reads back as declared. A
 * shell line of plain words is read as the CMD it was made from.
 */
function healthTests(test: unknown): unknown[] {
  const [kind, line] = list(test).map(String);
  if (kind === 'CMD-SHELL' && line !== undefined && /^[\w./:= -]+$/.test(line)) {
    return ['CMD', ...line.split(' ')];
  }
  return list(test);
}

function healthcheck(health: unknown): Inputs | undefined {
  if (health === undefined || health === null) return undefined;
  const h = record(health);
  return {
    tests: healthTests(h.Test),
    interval: shortDuration(h.Interval),
    timeout: shortDuration(h.Timeout),
    startPeriod: shortDuration(h.StartPeriod),
    retries: h.Retries ?? 0,
  };
}

/** The name a resource has on the engine: its `name` input, or Pulumi's name for it. */
const engineName = (resource: Declared) => {
  const name = reveal(resource.inputs.name);
  return typeof name === 'string' ? name : autoName(resource.name, resource.inputs);
};

/** Engine ids back to the mock runtime's ids of the resources declared with them. */
type IdsOf = (engineId: string) => string;

function network(dockerName: string): Reading {
  const n = inspect(['network', 'inspect', dockerName]);
  const ipam = record(n.IPAM);
  return {
    read: {
      name: n.Name,
      driver: n.Driver,
      attachable: n.Attachable,
      ipamConfigs: list(ipam.Config).map((pool) => {
        const p = record(pool);
        return {
          subnet: p.Subnet ?? '',
          gateway: p.Gateway ?? '',
          ipRange: p.IPRange ?? '',
          auxAddress: p.AuxiliaryAddresses ?? {},
        };
      }),
    },
    kept: [],
  };
}

function volume(dockerName: string): Reading {
  const v = inspect(['volume', 'inspect', dockerName]);
  return { read: { name: v.Name, driver: v.Driver }, kept: [] };
}

function secret(dockerName: string): Reading {
  const s = record(inspect(['secret', 'inspect', dockerName]).Spec);
  // The engine never gives a secret's data back: the provider keeps what it sent.
  return { read: { name: s.Name }, kept: ['data'] };
}

function image(imageName: string): Reading {
  inspect(['image', 'inspect', imageName]);
  // How it was built is the provider's own record; the engine has only the result.
  return { read: { imageName }, kept: ['skipPush', 'buildOnPreview', 'build', 'registry'] };
}

function container(dockerName: string): Reading {
  const c = inspect(['container', 'inspect', dockerName]);
  const config = record(c.Config);
  const host = record(c.HostConfig);
  const mebibytes = (bytes: unknown) => Number(bytes ?? 0) / (1024 * 1024);
  const ownId = String(c.Id).slice(0, 12);
  return {
    read: {
      name: String(c.Name).replace(/^\//, ''),
      networksAdvanced: Object.entries(record(record(c.NetworkSettings).Networks)).map(
        ([name, settings]) => ({
          name,
          // The engine adds the container's short id as an alias of its own.
          aliases: list(record(settings).Aliases).filter((alias) => alias !== ownId),
        }),
      ),
      volumes: list(c.Mounts)
        .map(record)
        .filter((mount) => mount.Type === 'volume')
        .map((mount) => ({
          volumeName: mount.Name,
          containerPath: mount.Destination,
          readOnly: mount.RW === false,
        })),
      ports: Object.entries(record(host.PortBindings)).flatMap(([port, bindings]) =>
        list(bindings).map((binding) => ({
          internal: Number(port.split('/')[0]),
          external: Number(record(binding).HostPort),
          ip: record(binding).HostIp,
          // tcp is the schema's default: declared or not, it is what the provider compares.
          protocol: port.split('/')[1] === 'tcp' ? undefined : port.split('/')[1],
        })),
      ),
      healthcheck: healthcheck(config.Healthcheck),
      readOnly: host.ReadonlyRootfs,
      tmpfs: host.Tmpfs ?? {},
      capabilities: { drops: host.CapDrop ?? [], adds: host.CapAdd ?? [] },
      securityOpts: host.SecurityOpt ?? [],
      memory: mebibytes(host.Memory),
      memorySwap: mebibytes(host.MemorySwap),
      stopTimeout: config.StopTimeout,
      restart: record(host.RestartPolicy).Name,
      logDriver: record(host.LogConfig).Type,
      logOpts: record(host.LogConfig).Config ?? {},
      entrypoints: config.Entrypoint ?? [],
      command: config.Cmd ?? [],
    },
    // The image is read back as its id, which the provider matches with the reference it was
    // given; the environment comes back with the image's own variables added, which the
    // provider leaves out; waiting and the grace period at removal are the provider's doing.
    kept: ['image', 'envs', 'wait', 'waitTimeout', 'destroyGraceSeconds'],
  };
}

function rollout(config: unknown): Inputs | undefined {
  if (config === undefined || config === null) return undefined;
  const c = record(config);
  return {
    parallelism: c.Parallelism ?? 0,
    delay: shortDuration(c.Delay),
    failureAction: c.FailureAction ?? '',
    monitor: shortDuration(c.Monitor),
    maxFailureRatio: Number(c.MaxFailureRatio ?? 0).toFixed(1),
    order: c.Order ?? '',
  };
}

function service(dockerName: string, idsOf: IdsOf): Reading {
  const spec = record(inspect(['service', 'inspect', dockerName]).Spec);
  const task = record(spec.TaskTemplate);
  const cs = record(task.ContainerSpec);
  const resources = record(task.Resources);
  const restart = record(task.RestartPolicy);
  const endpoint = record(spec.EndpointSpec);
  const memory = (value: unknown) => ({ memoryBytes: record(value).MemoryBytes ?? 0 });
  return {
    read: {
      name: spec.Name,
      mode:
        record(spec.Mode).Global === undefined
          ? { replicated: { replicas: record(record(spec.Mode).Replicated).Replicas } }
          : { global: true },
      taskSpec: {
        containerSpec: {
          // A reference the engine could not pin to a registry's digest stays as it was given.
          image: String(cs.Image).replace(/@sha256:[0-9a-f]+$/, ''),
          env: envMap(cs.Env),
          commands: cs.Command ?? [],
          args: cs.Args ?? [],
          user: cs.User,
          readOnly: cs.ReadOnly ?? false,
          capDrops: cs.CapabilityDrop ?? [],
          sysctl: cs.Sysctls ?? {},
          stopSignal: cs.StopSignal,
          stopGracePeriod:
            cs.StopGracePeriod === undefined ? undefined : shortDuration(cs.StopGracePeriod),
          healthcheck: healthcheck(cs.Healthcheck),
          mounts: list(cs.Mounts)
            .map(record)
            .map((mount) => ({
              target: mount.Target,
              source: mount.Source ?? '',
              type: mount.Type,
              readOnly: mount.ReadOnly ?? false,
              ...(mount.TmpfsOptions === undefined
                ? {}
                : {
                    tmpfsOptions: {
                      sizeBytes: record(mount.TmpfsOptions).SizeBytes ?? 0,
                      // Go's FileMode.Perm(): the permission bits alone.
                      mode: Number(record(mount.TmpfsOptions).Mode ?? 0) & 0o777,
                    },
                  }),
            })),
          secrets: list(cs.Secrets)
            .map(record)
            .map((reference) => ({
              secretId: idsOf(String(reference.SecretID)),
              secretName: reference.SecretName,
              fileName: record(reference.File).Name,
              fileUid: record(reference.File).UID,
              fileGid: record(reference.File).GID,
              fileMode: record(reference.File).Mode,
            })),
        },
        placement: {
          constraints: record(task.Placement).Constraints ?? [],
          maxReplicas: record(task.Placement).MaxReplicas ?? 0,
        },
        resources: {
          limits: memory(resources.Limits),
          reservation: memory(resources.Reservations),
        },
        restartPolicy: {
          condition: restart.Condition,
          delay: shortDuration(restart.Delay),
          maxAttempts: restart.MaxAttempts ?? 0,
          window: shortDuration(restart.Window),
        },
        networksAdvanceds: list(task.Networks)
          .map(record)
          .map((attached) => ({
            id: idsOf(String(attached.Target)),
            aliases: attached.Aliases ?? [],
            driverOpts: [],
          })),
        logDriver: {
          name: record(task.LogDriver).Name,
          options: record(task.LogDriver).Options ?? {},
        },
      },
      endpointSpec: {
        mode: endpoint.Mode,
        ports: list(endpoint.Ports)
          .map(record)
          .map((port) => ({
            name: port.Name ?? '',
            // The schema's defaults, tcp and ingress, are what an undeclared field holds.
            protocol: port.Protocol === 'tcp' ? undefined : port.Protocol,
            targetPort: port.TargetPort,
            publishedPort: port.PublishedPort,
            publishMode: port.PublishMode === 'ingress' ? undefined : port.PublishMode,
          })),
      },
      updateConfig: rollout(spec.UpdateConfig),
      rollbackConfig: rollout(spec.RollbackConfig),
    },
    // How long `up` waits for the tasks is the provider's own setting, not the engine's; the
    // registry's credentials go with each request and are never read back.
    kept: ['convergeConfig', 'auth'],
  };
}

/** Zero values are what the provider's schema holds for an unset field: left out on both sides. */
function withoutZeros(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutZeros);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Json)
    .map(([key, inner]) => [key, withoutZeros(inner)] as const)
    .filter(([, inner]) => !isZero(inner));
  return Object.fromEntries(entries);
}

const isZero = (value: unknown) =>
  value === undefined ||
  value === null ||
  value === '' ||
  value === 0 ||
  value === false ||
  value === '0s' ||
  value === '0.0' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && Object.keys(value).length === 0);

/** A value compared as the provider's schema holds it: lists of blocks as sets, keys sorted. */
function canonical(value: unknown): string {
  const normal = (inner: unknown): unknown => {
    if (Array.isArray(inner))
      return inner
        .map(normal)
        .map((item) => JSON.stringify(item))
        .sort();
    if (typeof inner !== 'object' || inner === null) return inner;
    return Object.fromEntries(
      Object.entries(inner as Json)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, normal(item)]),
    );
  };
  return JSON.stringify(normal(withoutZeros(reveal(value))));
}

/** Every declared field, down to the leaves of nested blocks, against what was read back. */
function compare(resource: string, path: string, declared: unknown, read: unknown): Drift[] {
  const plain = reveal(declared);
  if (plain === undefined) return [];
  const isBlock = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isBlock(plain) && isBlock(read)) {
    return Object.entries(plain as Json).flatMap(([key, inner]) =>
      compare(resource, `${path}.${key}`, inner, (read as Json)[key]),
    );
  }
  return canonical(plain) === canonical(read)
    ? []
    : [{ resource, field: path.slice(1), declared: plain, readBack: read }];
}

/**
 * Reads every created resource back from the engine and returns where it differs from its
 * declaration; an empty list means a refresh after `up` plans no change.
 */
export function driftAfterUp(declared: Declared[]): Drift[] {
  // A service names its network and secrets by engine id; the program, by the resources' ids,
  // which the mock runtime makes `<resource name>-id`.
  const engineIds = new Map<string, string>();
  for (const resource of declared) {
    const kind = {
      'docker:index/network:Network': 'network',
      'docker:index/secret:Secret': 'secret',
    }[resource.type];
    if (kind === undefined) continue;
    const found = inspect([kind, 'inspect', engineName(resource)]);
    engineIds.set(String(found.ID ?? found.Id), `${resource.name}-id`);
  }
  const idsOf: IdsOf = (engineId) => engineIds.get(engineId) ?? engineId;
  return declared.flatMap((resource) => {
    const inputs = resource.inputs;
    const named = engineName(resource);
    const readers: Record<string, () => Reading> = {
      'docker:index/network:Network': () => network(named),
      'docker:index/volume:Volume': () => volume(named),
      'docker:index/secret:Secret': () => secret(named),
      'docker:index/image:Image': () => image(String(inputs.imageName)),
      'docker:index/container:Container': () => container(named),
      'docker:index/service:Service': () => service(named, idsOf),
    };
    const reader = readers[resource.type];
    if (!reader) throw new Error(`${resource.name}: no read-back for ${resource.type}`);
    return driftOf(resource, reader());
  });
}

/** Where a declared resource differs from its reading; throws on a field the reading omits. */
export function driftOf(resource: Declared, { read, kept }: Reading): Drift[] {
  const inputs = resource.inputs;
  const unknown = Object.keys(inputs).filter((key) => !(key in read) && !kept.includes(key));
  if (unknown.length > 0) {
    throw new Error(
      `${resource.name}: the read-back does not know ${unknown.join(', ')}: read it as the provider does, or say why the provider keeps it`,
    );
  }
  const compared = Object.fromEntries(
    Object.entries(inputs).filter(([key]) => !kept.includes(key)),
  );
  return compare(resource.name, '', compared, read);
}
