import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftOf, shortDuration, type Declared } from './read-back.ts';

const service = (containerSpec: Record<string, unknown>): Declared => ({
  type: 'docker:index/service:Service',
  name: 'db',
  inputs: { name: 'db', taskSpec: { containerSpec } },
});
const read = (containerSpec: Record<string, unknown>) => ({
  read: { name: 'db', taskSpec: { containerSpec } },
  kept: [],
});
const seconds = (n: number) => n * 1e9;

describe('the read-back after up', () => {
  it('writes durations as the provider does', () => {
    assert.equal(shortDuration(seconds(25)), '25s');
    assert.equal(shortDuration(seconds(60)), '1m');
    assert.equal(shortDuration(seconds(90)), '1m30s');
    assert.equal(shortDuration(seconds(7200)), '2h');
    assert.equal(shortDuration(undefined), '0s');
  });

  it('finds a grace period declared as 60s that the engine gives back as 1m', () => {
    assert.deepEqual(
      driftOf(service({ stopGracePeriod: '60s' }), read({ stopGracePeriod: '1m' })),
      [
        {
          resource: 'db',
          field: 'taskSpec.containerSpec.stopGracePeriod',
          declared: '60s',
          readBack: '1m',
        },
      ],
    );
    assert.deepEqual(
      driftOf(service({ stopGracePeriod: '1m' }), read({ stopGracePeriod: '1m' })),
      [],
    );
  });

  it('compares lists of blocks whole, as sets: a sticky tmpfs mode and a pool without its gateway differ', () => {
    const tmpfs = (mode: number) => [{ type: 'tmpfs', target: '/tmp', tmpfsOptions: { mode } }];
    assert.equal(
      driftOf(service({ mounts: tmpfs(0o1777) }), read({ mounts: tmpfs(0o777) })).length,
      1,
    );
    const network = (pool: Record<string, string>): Declared => ({
      type: 'docker:index/network:Network',
      name: 'net',
      inputs: { name: 'net', ipamConfigs: [pool] },
    });
    const pools = {
      read: { name: 'net', ipamConfigs: [{ subnet: '10.9.0.0/16', gateway: '10.9.0.1' }] },
      kept: [],
    };
    assert.equal(driftOf(network({ subnet: '10.9.0.0/16' }), pools).length, 1);
    assert.deepEqual(driftOf(network({ subnet: '10.9.0.0/16', gateway: '10.9.0.1' }), pools), []);
  });

  it('takes an unset field, an empty list and a false flag as the same zero value', () => {
    const declared = service({ mounts: [{ type: 'volume', source: 'data', target: '/data' }] });
    const mounts = [{ type: 'volume', source: 'data', target: '/data', readOnly: false }];
    assert.deepEqual(driftOf(declared, read({ mounts, capDrops: [] })), []);
  });

  it('refuses a declared field it neither reads back nor knows the provider keeps', () => {
    const declared: Declared = { ...service({}), inputs: { name: 'db', labels: [{ label: 'a' }] } };
    assert.throws(() => driftOf(declared, read({})), /db: the read-back does not know labels/);
  });
});
