import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseRate } from '../../runner/rate-choice.ts';

const all = ['hello', 'login', 'refresh', 'mixed'] as const;

describe('the fixed rate', () => {
  it('is half of what the slower target sustained, for each scenario the search measured', () => {
    const choice = chooseRate(
      { dev: { hello_rps: 1400, mixed_rps: 30 }, prod: { hello_rps: 1385, mixed_rps: 21 } },
      undefined,
      all,
    );
    // hello at most 1385 / 2 = 692; mixed, at half the base, at most 21 / 2: base 21.
    assert.equal(choice.base, 21);
    assert.match(choice.why, /hello: prod 1385 req\/s; mixed: prod 21 req\/s/);
    assert.match(choice.why, /hello 21\/s, login 1\/s, refresh 4\/s, mixed 11\/s/);
    // The deploy and crash traffic, mostly /hello/, stays at its 100/s below hello's bound.
    assert.equal(choice.steady, 100);
    assert.match(choice.why, /the deploy and crash traffic at 100\/s/);
  });

  it('takes a search that failed its first step as half that step', () => {
    const choice = chooseRate(
      { dev: { hello_rps: 900, mixed_rps: null }, prod: { hello_rps: 1385, mixed_rps: 21 } },
      undefined,
      ['hello', 'mixed'],
    );
    assert.equal(choice.base, 5);
    assert.match(choice.why, /mixed: dev below the first step of 10 req\/s/);
  });

  it('lets hello set the rate when it is the tighter of the two', () => {
    assert.equal(chooseRate({ target: { hello_rps: 60, mixed_rps: 80 } }, undefined, all).base, 30);
  });

  it('keeps the rate the user gave, and says so', () => {
    const choice = chooseRate({ dev: { hello_rps: 10, mixed_rps: 1 } }, 80, ['hello', 'mixed']);
    assert.deepEqual(choice, {
      base: 80,
      steady: 80,
      why: 'Fixed rates as given with --rate 80: hello 80/s, mixed 40/s; the deploy and crash traffic at 80/s.',
    });
  });
});
