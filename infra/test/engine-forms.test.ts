import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duration, gatewayOf } from '../src/engine-forms.ts';

describe('values in the forms the provider reads back', () => {
  it('writes durations as Go does, trailing zero units cut', () => {
    assert.equal(duration(0), '0s');
    assert.equal(duration(25), '25s');
    assert.equal(duration(60), '1m');
    assert.equal(duration(90), '1m30s');
    assert.equal(duration(300), '5m');
    assert.equal(duration(3600), '1h');
    assert.equal(duration(3660), '1h1m');
    assert.equal(duration(3601), '1h0m1s');
  });

  it('gives a range the gateway Docker picks: its first address', () => {
    assert.equal(gatewayOf('10.77.0.0/16'), '10.77.0.1');
    assert.equal(gatewayOf('10.99.3.0/24'), '10.99.3.1');
    assert.equal(gatewayOf('172.16.5.7/12'), '172.16.0.1');
  });
});
