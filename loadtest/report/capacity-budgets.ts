/**
 * The p95 latency a capacity step must stay within: a protected read answered at interactive
 * speed; the mixed blend holds logins, each a scrypt hash at production cost.
 */
export const capacityBudgetsMs = { hello: 100, mixed: 1000 } as const;
