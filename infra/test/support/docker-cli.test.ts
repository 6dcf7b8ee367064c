import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { dockerSteps, type DockerStep } from './docker-cli.ts';

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

  it('fails loudly on a resource type it does not understand, and on an image meant for a registry', () => {
    assert.throws(
      () => dockerSteps([{ type: 'docker:index/service:Service', name: 'svc', inputs: {} }]),
      {
        message: 'svc: the docker translation does not support docker:index/service:Service',
      },
    );
    assert.throws(
      () =>
        dockerSteps([
          {
            type: 'docker:index/image:Image',
            name: 'img',
            inputs: { imageName: 'r/x:1', build: {} },
          },
        ]),
      { message: /only local images/ },
    );
  });
});
