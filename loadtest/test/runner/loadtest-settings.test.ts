import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../settings/index.ts';
import { readLoadtestSettings } from '../../runner/loadtest-settings.ts';

const problemsOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    readLoadtestSettings(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('load-test settings', () => {
  it('default to every scenario and the full experiments against the local servers', () => {
    const settings = readLoadtestSettings([], {});
    assert.equal(settings.target, undefined);
    assert.deepEqual(settings.scenarios, ['hello', 'login', 'refresh', 'mixed']);
    assert.equal(settings.durationSeconds, 15);
    assert.equal(settings.warmupSeconds, 3);
    // The rate is chosen from the capacity search unless given.
    assert.equal(settings.rate, undefined);
    assert.equal(settings.attackRate, 100);
    assert.equal(settings.coresForProjection, 8);
    assert.equal(settings.strict, false);
    assert.equal(settings.quick, false);
  });

  it('shorten the experiments on --quick', () => {
    assert.equal(readLoadtestSettings(['--quick'], {}).quick, true);
  });

  it('take the environment, and flags over it', () => {
    const env = {
      LOADTEST_DURATION: '1m',
      LOADTEST_RATE: '50',
      K6_TARGET: 'https://api.example.com/',
    };
    const settings = readLoadtestSettings(['--rate', '80', '--scenarios', 'hello,login'], env);
    assert.equal(settings.durationSeconds, 60);
    assert.equal(settings.rate, 80);
    assert.equal(settings.target, 'https://api.example.com');
    assert.deepEqual(settings.scenarios, ['hello', 'login']);
  });

  it('spell a setting of two words as a flag in kebab case', () => {
    const settings = readLoadtestSettings(['--cores-for-projection', '64', '--attack-rate', '20'], {
      LOADTEST_CORES_FOR_PROJECTION: '4',
    });
    assert.equal(settings.coresForProjection, 64);
    assert.equal(settings.attackRate, 20);
    assert.deepEqual(problemsOf(['--cores-for-projection', '0']), [
      '--cores-for-projection: expected a whole number from 1 to 1024, got "0"',
    ]);
  });

  it('name the flag or variable of every bad value', () => {
    assert.deepEqual(
      problemsOf(['--rate', 'lots', '--scenarios', 'hello,nap'], {
        LOADTEST_DURATION: 'soon',
        K6_TARGET: 'ftp://x',
      }),
      [
        'K6_TARGET: expected an http or https URL, got "ftp://x"',
        'LOADTEST_DURATION: expected a duration such as 30s, 5m, 12h or 1d, got "soon"',
        '--rate: expected a whole number from 1 to 100000, got "lots"',
        '--scenarios: expected some of hello, login, refresh, mixed, got "hello,nap"',
      ],
    );
  });

  it('refuse an unknown flag', () => {
    assert.throws(() => readLoadtestSettings(['--targte', 'x'], {}), /Unknown option '--targte'/);
  });
});
