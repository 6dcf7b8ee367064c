import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { dockerSteps, pendingDigest, type DockerStep } from './docker-cli.ts';
import { autoName } from './inputs.ts';
import { serviceUpdate } from './swarm-cli.ts';

const container = (inputs: Record<string, unknown>) => ({
  type: 'docker:index/container:Container',
  name: 'web',
  inputs: { name: 'web', image: 'web:1', ...inputs },
});
function stepFor(inputs: Record<string, unknown>): DockerStep {
  const [step, ...others] = dockerSteps([container(inputs)]);
  assert.ok(step && others.length === 0);
  return step;
}
const secret = (value: unknown) => ({
  [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
  value,
});

describe('dockerSteps', () => {
  it('turns a container into docker run flags, one per declared input', () => {
    const step = stepFor({
      networksAdvanced: [{ name: 'net', aliases: ['app-1'] }],
      ports: [{ internal: 8080, external: 9000, ip: '127.0.0.1' }],
      readOnly: true,
      tmpfs: { '/tmp': 'size=64m' },
      capabilities: { drops: ['ALL'] },
      memory: 256,
      restart: 'unless-stopped',
    });
    assert.deepEqual(step.create.args, [
      'run',
      '--detach',
      '--name',
      'web',
      '--network',
      'net',
      '--network-alias',
      'app-1',
      '--publish',
      '127.0.0.1:9000:8080',
      '--read-only',
      '--tmpfs',
      '/tmp:size=64m',
      '--cap-drop',
      'ALL',
      '--memory',
      '256m',
      '--restart',
      'unless-stopped',
      'web:1',
    ]);
  });

  it('removes a container as the provider does: stopped with no grace unless destroyGraceSeconds gives one', () => {
    assert.deepEqual(
      stepFor({}).remove?.map((command) => command.args),
      [
        ['stop', '--time', '0', 'web'],
        ['rm', '--force', '--volumes', 'web'],
      ],
    );
    assert.deepEqual(stepFor({ destroyGraceSeconds: 25 }).remove?.[0]?.args, [
      'stop',
      '--time',
      '25',
      'web',
    ]);
  });

  it('limits swap in MiB like memory, and passes -1 (unlimited) as it is', () => {
    const limited = stepFor({ memory: 256, memorySwap: 256 }).create.args;
    assert.deepEqual(limited.slice(limited.indexOf('--memory-swap'), -1), [
      '--memory-swap',
      '256m',
    ]);
    const unlimited = stepFor({ memorySwap: -1 }).create.args;
    assert.deepEqual(unlimited.slice(unlimited.indexOf('--memory-swap'), -1), [
      '--memory-swap',
      '-1',
    ]);
  });

  it('passes environment values through docker’s own environment, secrets included, never in argv', () => {
    const step = stepFor({ envs: secret(['KEY=s3cret=x', 'MODE=prod']) });
    assert.deepEqual(step.create.env, { KEY: 's3cret=x', MODE: 'prod' });
    assert.ok(!step.create.args.some((arg) => arg.includes('s3cret')));
  });

  it('waits for a container declared with wait to be healthy', () => {
    const step = stepFor({ wait: true, waitTimeout: 90 });
    assert.deepEqual(step.waitHealthy, { container: 'web', timeoutSeconds: 90 });
  });

  it('fails loudly on an input it does not understand', () => {
    assert.throws(() => dockerSteps([container({ privileged: true, gpus: 'all' })]), {
      message: 'web: the docker translation does not support privileged, gpus',
    });
    assert.throws(
      () =>
        dockerSteps([container({ networksAdvanced: [{ name: 'net', ipv4Address: '10.0.0.9' }] })]),
      { message: /web.networksAdvanced: .* ipv4Address/ },
    );
  });

  it('fails loudly on a resource type it does not understand, and on a registry password without its user', () => {
    assert.throws(
      () => dockerSteps([{ type: 'docker:index/plugin:Plugin', name: 'plug', inputs: {} }]),
      {
        message: 'plug: the docker translation does not support docker:index/plugin:Plugin',
      },
    );
    assert.throws(
      () =>
        dockerSteps([
          {
            type: 'docker:index/image:Image',
            name: 'img',
            inputs: { imageName: 'r/x:1', registry: { server: 'r', password: 'p' }, build: {} },
          },
        ]),
      { message: 'img: a registry password without a user' },
    );
  });

  it("sends a resource declared with an explicit provider to that provider's engine, and the others to this process's", () => {
    const steps = dockerSteps([
      { type: 'pulumi:providers:docker', name: 'lab', inputs: { host: 'unix:///lab.sock' } },
      {
        type: 'docker:index/volume:Volume',
        name: 'there',
        inputs: { name: 'there' },
        provider: 'urn:pulumi:test::prodstack::pulumi:providers:docker::lab::lab-id',
      },
      { type: 'docker:index/volume:Volume', name: 'here', inputs: { name: 'here' } },
    ]);
    assert.deepEqual(
      steps.map((step) => [step.resource, step.host]),
      [
        ['there', 'unix:///lab.sock'],
        ['here', undefined],
      ],
    );
  });

  it('logs in to a registry with a user before the push, and sends the credentials with the service', () => {
    const login = { server: 'reg:5000', username: 'deploy', password: 'pw' };
    const [image, service] = dockerSteps([
      {
        type: 'docker:index/image:Image',
        name: 'img',
        inputs: {
          imageName: 'reg:5000/x:latest',
          skipPush: false,
          registry: { server: 'reg:5000', username: 'deploy', password: 'pw' },
          build: { context: '.' },
        },
      },
      {
        type: 'docker:index/service:Service',
        name: 'svc',
        inputs: {
          name: 'svc',
          auth: { serverAddress: 'reg:5000', username: 'deploy', password: 'pw' },
          taskSpec: { containerSpec: { image: 'reg:5000/x@sha256:pending-img' } },
        },
      },
    ]);
    assert.deepEqual(image?.login, login);
    assert.ok(service);
    assert.deepEqual(service.login, login);
    assert.ok(service.create.args.includes('--with-registry-auth'));
    assert.ok(
      !JSON.stringify(service.create.args).includes('pw'),
      'the password is not an argument',
    );
  });

  it('pushes an image meant for a registry after its build, for the digest its services name', () => {
    const [step] = dockerSteps([
      {
        type: 'docker:index/image:Image',
        name: 'img',
        inputs: {
          imageName: 'reg:5000/x:latest',
          skipPush: false,
          registry: { server: 'reg:5000' },
          build: { context: '.' },
        },
      },
    ]);
    assert.deepEqual(step?.push, {
      imageName: 'reg:5000/x:latest',
      placeholder: pendingDigest('img'),
    });
  });
});

describe('dockerSteps for Swarm', () => {
  const overlay = {
    type: 'docker:index/network:Network',
    name: 'net',
    inputs: { name: 'stack-overlay', driver: 'overlay', attachable: true },
  };
  const key = {
    type: 'docker:index/secret:Secret',
    name: 'key',
    inputs: { data: secret(Buffer.from('the key').toString('base64')) },
  };
  const api = (inputs: Record<string, unknown>) => ({
    type: 'docker:index/service:Service',
    name: 'api',
    inputs: {
      name: 'stack-api',
      taskSpec: {
        containerSpec: {
          image: 'api:1',
          secrets: [
            { secretId: 'key-id', fileName: '/run/secrets/key', fileUid: '1000', fileMode: 0o400 },
          ],
        },
        networksAdvanceds: [{ id: 'net-id' }],
      },
      ...inputs,
    },
  });

  /** What the key secret is named, as Pulumi would name it (inputs.ts autoName). */
  const keyName = autoName('key', key.inputs);

  it('creates an overlay network, and a secret from its decoded data on stdin, never in argv', () => {
    const [network, created] = dockerSteps([overlay, key]);
    assert.deepEqual(network?.create.args, [
      'network',
      'create',
      '--driver',
      'overlay',
      '--attachable',
      'stack-overlay',
    ]);
    assert.deepEqual(created?.create, {
      args: ['secret', 'create', keyName, '-'],
      input: 'the key',
    });
    assert.deepEqual(created.remove, [{ args: ['secret', 'rm', keyName] }]);
  });

  it('names a secret declared without a name as Pulumi does: anew for new data, as a replacement', () => {
    const named = (data: string) =>
      dockerSteps([{ ...key, inputs: { data: secret(Buffer.from(data).toString('base64')) } }])[0]
        ?.dockerName;
    assert.match(named('the key') ?? '', /^key-[0-9a-f]{7}$/);
    assert.equal(named('the key'), named('the key'));
    assert.notEqual(named('the next key'), named('the key'));
  });

  it('turns a service into docker service create flags, naming what it refers to by the engine’s names', () => {
    const [, , service] = dockerSteps([
      overlay,
      key,
      api({
        mode: { replicated: { replicas: 2 } },
        endpointSpec: {
          mode: 'dnsrr',
          ports: [{ targetPort: 8080, publishedPort: 9000, publishMode: 'host' }],
        },
        updateConfig: { parallelism: 1, order: 'start-first', failureAction: 'rollback' },
        convergeConfig: { delay: '2s', timeout: '5m' },
      }),
    ]);
    assert.deepEqual(service?.create.args, [
      'service',
      'create',
      '--name',
      'stack-api',
      '--replicas',
      '2',
      '--endpoint-mode',
      'dnsrr',
      '--publish',
      'target=8080,published=9000,mode=host',
      '--update-parallelism',
      '1',
      '--update-order',
      'start-first',
      '--update-failure-action',
      'rollback',
      '--detach=false',
      '--quiet',
      '--network',
      'stack-overlay',
      '--secret',
      `source=${keyName},target=/run/secrets/key,uid=1000,mode=0400`,
      'api:1',
    ]);
    assert.deepEqual(service.waitGone, { service: 'stack-api' });
  });

  it('updates a service in place for a new image, environment or secret, as the provider would', () => {
    const specOf = (inputs: Record<string, unknown>) => {
      const steps = dockerSteps([overlay, key, api({ convergeConfig: {}, ...inputs })]);
      assert.ok(steps[2]?.service);
      return steps[2].service;
    };
    const containerSpec = (extra: Record<string, unknown>) => ({
      taskSpec: {
        containerSpec: {
          image: 'api:1',
          env: { KEPT: 'yes', GONE: 'soon' },
          secrets: [{ secretId: 'key-id', fileName: '/run/secrets/key' }],
          ...extra,
        },
        networksAdvanceds: [{ id: 'net-id' }],
      },
    });
    const was = specOf(containerSpec({}));
    assert.equal(serviceUpdate(was, specOf(containerSpec({}))), undefined);
    const now = specOf(
      containerSpec({
        image: 'api:2',
        env: { KEPT: 'yes', ADDED: 'now' },
        secrets: [
          { secretId: 'key-id', fileName: '/run/secrets/key' },
          { secretId: 'key-id', fileName: '/run/secrets/again' },
        ],
      }),
    );
    assert.deepEqual(serviceUpdate(was, now)?.args, [
      'service',
      'update',
      '--detach=true',
      '--quiet',
      '--env-rm',
      'GONE',
      '--env-add',
      'ADDED=now',
      '--secret-add',
      `source=${keyName},target=/run/secrets/again`,
      '--image',
      'api:2',
      'stack-api',
    ]);
    assert.throws(
      () =>
        serviceUpdate(was, specOf({ ...containerSpec({}), mode: { replicated: { replicas: 3 } } })),
      {
        message: 'stack-api: a change beyond image, env and secrets, not made in place here',
      },
    );
  });

  it('returns at once, as the provider does, when a service has no convergeConfig', () => {
    const [, , service] = dockerSteps([overlay, key, api({})]);
    assert.ok(service?.create.args.includes('--detach=true'));
  });

  it('fails loudly on a service input it does not understand', () => {
    assert.throws(() => dockerSteps([overlay, key, api({ labels: [] })]), {
      message: 'api: the docker translation does not support labels',
    });
    assert.throws(() => dockerSteps([api({})]), {
      message: /no resource declared before with the id key-id/,
    });
  });
});
