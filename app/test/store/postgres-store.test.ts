import { after, before } from 'node:test';
import {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../../testing/throwaway-postgres.ts';
import { storeContract } from './store-contract.ts';

let server: ThrowawayPostgres;
let databases = 0;
before(async () => {
  server = await startThrowawayPostgres();
});
after(() => server.remove());

storeContract('PostgreSQL', {
  freshDatabase: () => server.createDatabase(`store_${++databases}`),
  async restartServer() {
    await server.stop();
    await server.start();
  },
});
