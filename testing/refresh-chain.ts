/**
 * A client that refreshes its tokens again and again, each time with the refresh token it was
 * given last (rotation has spent the one before), until stop(): POSTs that a proxy never sends
 * twice, for tests that must lose none. Counts what came back; 0 is a request that failed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { send } from './http-client.ts';
import type { LoopCounts } from './request-loop.ts';

/** `api` ends with a slash; 4 a second by default, under nginx's refresh limit for an address. */
export function startRefreshChain(api: string, firstRefresh: string, pauseMs = 250) {
  const counts: LoopCounts = { requests: 0, statuses: {}, errors: {} };
  const state = { running: true };
  const done = (async () => {
    let refresh = firstRefresh;
    while (state.running) {
      const reply = await send('POST', `${api}api/token/refresh/`, { json: { refresh } }).catch(
        (error: unknown) => {
          const cause = (error as { cause?: { code?: string } }).cause;
          const code = cause?.code ?? String(error);
          counts.errors[code] = (counts.errors[code] ?? 0) + 1;
          return { status: 0, json: { refresh } };
        },
      );
      counts.requests += 1;
      counts.statuses[reply.status] = (counts.statuses[reply.status] ?? 0) + 1;
      if (reply.status === 200) refresh = String(reply.json.refresh);
      await sleep(pauseMs);
    }
    return counts;
  })();
  return {
    async stop(): Promise<LoopCounts> {
      state.running = false;
      return done;
    },
  };
}
