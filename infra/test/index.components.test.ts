/**
 * The Pulumi program's tree under the mock runtime: each target is one component, its resources
 * beneath it, and every resource says where it stood before the components existed, so that
 * `pulumi up` on a stack deployed by the earlier, flat program updates it rather than replacing
 * it (Pulumi matches an old resource by its URN, which its parent is part of).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runProgram, type DeclaredResource, type ProgramRun } from './support/mock-runtime.ts';

const signingKey = 'a-signing-key-of-more-than-32-bytes-for-hs256';
const containers = { jwtSigningKey: signingKey };
const swarm = { ...containers, databasePassword: 'a-database-password', target: 'swarm' };

/** The chain of component types above a resource, outermost first, read from its parent's URN. */
const componentsAbove = (resource: DeclaredResource) =>
  resource.parent === '' ? [] : (resource.parent.split('::')[2] ?? '').split('$');

const byType = (run: ProgramRun, type: string) =>
  run.components.filter((component) => component.type === type);

describe("the Pulumi program's components", () => {
  for (const [target, config, component] of [
    ['containers', containers, 'prodstack:index:ContainersStack'],
    ['swarm', swarm, 'prodstack:index:SwarmStack'],
  ] as const) {
    it(`puts every resource of the ${target} target under one ${component.split(':')[2] ?? ''}`, async () => {
      const run = await runProgram(config);
      assert.deepEqual(
        byType(run, component).map((stack) => stack.name),
        ['prodstack-test'],
      );
      assert.ok(run.resources.length > 0);
      for (const resource of run.resources) {
        assert.equal(componentsAbove(resource)[0], component, resource.name);
      }
    });
  }

  it('groups the images in a component of their own inside the target', async () => {
    const run = await runProgram(containers);
    const images = run.resources.filter(({ type }) => type === 'docker:index/image:Image');
    assert.equal(images.length, 2);
    for (const image of images) {
      assert.deepEqual(componentsAbove(image), [
        'prodstack:index:ContainersStack',
        'prodstack:index:StackImages',
      ]);
    }
  });

  it('says of every resource that it once stood at the top of the stack', async () => {
    for (const config of [containers, swarm]) {
      const run = await runProgram(config);
      for (const resource of run.resources) {
        assert.ok(resource.formerParents.includes(''), resource.name);
      }
    }
  });

  it('keeps a remote engine’s provider at the top of the stack, where a move would replace all', async () => {
    const run = await runProgram({ ...containers, dockerHost: 'ssh://deploy@app1.example' });
    const [provider] = run.resources.filter(({ type }) => type === 'pulumi:providers:docker');
    assert.equal(provider?.parent, '');
  });
});
