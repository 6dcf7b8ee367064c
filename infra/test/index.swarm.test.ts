/**
 * The Pulumi program's Swarm target under Pulumi's mock runtime: the policies a Swarm deployment
 * is held to, checked on what the program declares.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { selfSignedPair } from '../../testing/tls-pairs.ts';
import { ofType, runProgram, type DeclaredResource } from './support/mock-runtime.ts';

const ecosystem = createRequire(import.meta.url)('../../ecosystem.config.cjs') as {
  apps: { kill_timeout: number }[];
};

const signingKey = 'a-signing-key-of-more-than-32-bytes-for-hs256';
const databasePassword = 'a-database-password';
const swarm = { jwtSigningKey: signingKey, databasePassword, target: 'swarm' };
const ecPrivateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

type Inputs = Record<string, unknown>;
const services = (resources: DeclaredResource[]) =>
  resources.filter((resource) => resource.type === 'docker:index/service:Service');
const serviceNamed = (resources: DeclaredResource[], suffix: string) => {
  const found = services(resources).find((service) => service.name.endsWith(`-${suffix}`));
  assert.ok(found, `no ${suffix} service`);
  return found.inputs as {
    name: string;
    taskSpec: {
      containerSpec: Inputs & { env: Record<string, string | undefined>; secrets?: Inputs[] };
      placement?: { constraints?: string[]; maxReplicas?: number };
      restartPolicy: Inputs;
    };
    updateConfig: Inputs;
    rollbackConfig?: Inputs;
    endpointSpec: { mode: string; ports?: Inputs[] };
    convergeConfig?: Inputs;
    mode: { replicated: { replicas: number } };
    auth?: Inputs;
  };
};

/** Every string in `value`, except inside the values Pulumi marks secret. */
function plainStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  if ((value as Inputs)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig)
    return [];
  return Object.values(value).flatMap(plainStrings);
}

describe('the Pulumi program with target swarm', () => {
  it('declares an overlay network, two secrets, the images, and PostgreSQL, its backup, app, nginx and Prometheus services', async () => {
    const run = await runProgram(swarm);
    const [network] = ofType(run, 'docker:index/network:Network');
    assert.deepEqual(network?.inputs, {
      name: 'prodstack-test-overlay',
      driver: 'overlay',
      attachable: true,
      ipamConfigs: [{ subnet: '10.77.0.0/16', gateway: '10.77.0.1' }],
    });
    assert.equal(ofType(run, 'docker:index/secret:Secret').length, 2);
    assert.deepEqual(run.serviceNames, [
      'prodstack-test-postgres',
      'prodstack-test-backup',
      'prodstack-test-app',
      'prodstack-test-nginx',
      'prodstack-test-prometheus',
    ]);
    assert.deepEqual(run.containerNames, []);
  });

  it('backs the database up every hour into a volume, the newest 48 kept, where backupPlacement says', async () => {
    const backupOf = async (config: Record<string, string>) =>
      serviceNamed((await runProgram({ ...swarm, ...config })).resources, 'backup').taskSpec as {
        containerSpec: Inputs & { env: Record<string, string> };
        placement: { constraints: string[] };
      };
    const backup = await backupOf({});
    assert.deepEqual(backup.containerSpec.args, ['every', '3600', '48']);
    assert.deepEqual(backup.placement.constraints, ['node.role==manager']);
    assert.equal(backup.containerSpec.env.DATABASE_HOST, 'prodstack-test-postgres');
    assert.equal(backup.containerSpec.env.DATABASE_PASSWORD_FILE, '/run/secrets/database_password');
    assert.ok(
      (backup.containerSpec.mounts as Inputs[]).some(
        (mount) => mount.source === 'prodstack-test-backups-data' && mount.target === '/backups',
      ),
    );
    const elsewhere = await backupOf({
      backupInterval: '15m',
      backupsKept: '96',
      backupPlacement: 'node.labels.backups==true',
    });
    assert.deepEqual(elsewhere.containerSpec.args, ['every', '900', '96']);
    assert.deepEqual(elsewhere.placement.constraints, ['node.labels.backups==true']);
    const ownDatabase = await runProgram({
      ...swarm,
      databaseUrl: 'postgres://kit@db.example.com:5432/kit',
    });
    assert.ok(!ownDatabase.serviceNames.some((service) => service.endsWith('-backup')));
  });

  it('rolls every service back when an update fails, the app start-first', async () => {
    const run = await runProgram(swarm);
    for (const service of services(run.resources)) {
      const inputs = service.inputs as { updateConfig: Inputs; convergeConfig: Inputs };
      assert.equal(inputs.updateConfig.failureAction, 'rollback', service.name);
      assert.ok(inputs.convergeConfig, `${service.name}: pulumi up would not wait for the rollout`);
    }
    const app = serviceNamed(run.resources, 'app');
    assert.equal(app.updateConfig.order, 'start-first');
    assert.equal(app.updateConfig.parallelism, 1);
    assert.equal(app.rollbackConfig?.order, 'start-first');
    // One task holds nginx's host port, one task owns PostgreSQL's volume: those stop first.
    assert.equal(serviceNamed(run.resources, 'nginx').updateConfig.order, 'stop-first');
    assert.equal(serviceNamed(run.resources, 'postgres').updateConfig.order, 'stop-first');
  });

  it('keeps the signing key and the database password out of every plain value', async () => {
    const run = await runProgram(swarm);
    const encoded = [signingKey, databasePassword].flatMap((secret) => [
      secret,
      Buffer.from(secret).toString('base64'),
    ]);
    for (const resource of run.resources) {
      for (const text of plainStrings(resource.inputs)) {
        for (const secret of encoded) {
          assert.ok(!text.includes(secret), `${resource.name} holds a secret in plain text`);
        }
      }
    }
    const app = serviceNamed(run.resources, 'app');
    assert.deepEqual(
      app.taskSpec.containerSpec.secrets?.map((secret) => [
        secret.fileName,
        secret.fileUid,
        secret.fileMode,
      ]),
      [
        ['/run/secrets/jwt_signing_key', '1000', 0o400],
        ['/run/secrets/database_password', '1000', 0o400],
      ],
    );
    assert.equal(
      app.taskSpec.containerSpec.env.JWT_SIGNING_KEY_FILE,
      '/run/secrets/jwt_signing_key',
    );
    assert.equal(
      app.taskSpec.containerSpec.env.DATABASE_PASSWORD_FILE,
      '/run/secrets/database_password',
    );
  });

  it('hands the app older keys to accept as a secret file of their own, and nothing when there are none', async () => {
    const older = 'an-older-key-of-more-than-32-bytes-for-hs256';
    const run = await runProgram({ ...swarm, jwtVerifyingKeys: older });
    for (const resource of run.resources) {
      for (const text of plainStrings(resource.inputs)) {
        assert.ok(!text.includes(older), `${resource.name} holds an older key in plain text`);
      }
    }
    const { containerSpec } = serviceNamed(run.resources, 'app').taskSpec;
    assert.equal(containerSpec.env.JWT_VERIFYING_KEYS_FILE, '/run/secrets/jwt_verifying_keys');
    assert.deepEqual(
      containerSpec.secrets?.map((secret) => [secret.fileName, secret.fileUid, secret.fileMode]),
      [
        ['/run/secrets/jwt_signing_key', '1000', 0o400],
        ['/run/secrets/jwt_verifying_keys', '1000', 0o400],
        ['/run/secrets/database_password', '1000', 0o400],
      ],
    );
    const without = serviceNamed((await runProgram(swarm)).resources, 'app').taskSpec;
    assert.equal(without.containerSpec.env.JWT_VERIFYING_KEYS_FILE, undefined);
    assert.equal(without.containerSpec.secrets?.length, 2);
  });

  it("refuses older keys of another kind than the signing key, in the app's words", async () => {
    await assert.rejects(
      runProgram({
        ...swarm,
        jwtVerifyingKeys: 'an-hmac-secret-of-more-than-32-bytes',
        jwtAlgorithm: 'ES256',
        jwtSigningKey: ecPrivateKey,
      }),
      { message: /^jwtVerifyingKeys: expected one or more PEM public keys$/ },
    );
  });

  it('serves HTTPS from every nginx with a pair that a keeper on each of their nodes installs from a secret', async () => {
    const pair = selfSignedPair();
    const run = await runProgram({
      ...swarm,
      tlsCertificate: pair.certificate,
      tlsKey: pair.key,
      tlsPort: '443',
      nginxPlacement: 'node.labels.ingress==true',
    });
    assert.equal(run.url, 'https://127.0.0.1:443/');
    const keeper = serviceNamed(run.resources, 'tls-keeper') as unknown as {
      mode: Inputs;
      taskSpec: { containerSpec: Inputs & { secrets: Inputs[] }; placement: Inputs };
    };
    assert.deepEqual(keeper.mode, { global: true });
    assert.deepEqual(keeper.taskSpec.placement, { constraints: ['node.labels.ingress==true'] });
    assert.deepEqual(keeper.taskSpec.containerSpec.args, ['install', '/run/secrets/tls_pair']);
    assert.deepEqual(
      keeper.taskSpec.containerSpec.secrets.map((s) => [s.fileName, s.fileUid, s.fileMode]),
      [['/run/secrets/tls_pair', '101', 0o400]],
    );
    const nginx = serviceNamed(run.resources, 'nginx');
    assert.deepEqual(nginx.endpointSpec.ports, [
      { targetPort: 8080, publishedPort: 8080, publishMode: 'host' },
      { targetPort: 8443, publishedPort: 443, publishMode: 'host' },
    ]);
    assert.ok(
      (nginx.taskSpec.containerSpec.mounts as Inputs[]).some(
        (m) => m.target === '/var/lib/prodstack-tls' && m.readOnly === true,
      ),
    );
    for (const resource of run.resources) {
      for (const text of plainStrings(resource.inputs)) {
        assert.ok(
          !text.includes(pair.key.trim()),
          `${resource.name} holds the TLS key in plain text`,
        );
      }
    }
  });

  it('publishes one port, nginx on the node itself, and answers every service by DNS', async () => {
    const run = await runProgram(swarm);
    const published = services(run.resources).filter(
      (service) =>
        ((service.inputs as { endpointSpec: { ports?: unknown[] } }).endpointSpec.ports ?? [])
          .length > 0,
    );
    assert.deepEqual(
      published.map((service) => service.name),
      ['prodstack-test-nginx'],
    );
    assert.deepEqual(serviceNamed(run.resources, 'nginx').endpointSpec.ports, [
      { targetPort: 8080, publishedPort: 8080, publishMode: 'host' },
    ]);
    for (const service of services(run.resources)) {
      assert.equal(
        (service.inputs as { endpointSpec: { mode: string } }).endpointSpec.mode,
        'dnsrr',
      );
    }
    const [nginxImage] = ofType(run, 'docker:index/image:Image').filter((image) =>
      image.name.endsWith('nginx-image'),
    );
    assert.deepEqual(
      [
        (nginxImage?.inputs.build as { args: Inputs }).args.UPSTREAMS,
        (nginxImage?.inputs.build as { args: Inputs }).args.RESOLVER,
      ],
      ['tasks.prodstack-test-app', '127.0.0.11'],
    );
  });

  it("lets nginx reuse its closed connections' ports: it opens one to the app per request", async () => {
    const run = await runProgram(swarm);
    assert.deepEqual(serviceNamed(run.resources, 'nginx').taskSpec.containerSpec.sysctl, {
      'net.ipv4.tcp_tw_reuse': '1',
      'net.ipv4.ip_local_port_range': '1024 65000',
    });
  });

  it('pins PostgreSQL to the node of its volume, and points the app at it', async () => {
    const run = await runProgram({ ...swarm, postgresPlacement: 'node.labels.db==true' });
    const postgres = serviceNamed(run.resources, 'postgres');
    assert.deepEqual(postgres.taskSpec.placement?.constraints, ['node.labels.db==true']);
    assert.deepEqual(postgres.taskSpec.containerSpec.mounts, [
      {
        type: 'volume',
        source: 'prodstack-test-postgres-data',
        target: '/var/lib/postgresql/data',
      },
    ]);
    assert.equal(
      serviceNamed(run.resources, 'app').taskSpec.containerSpec.env.DATABASE_URL,
      'postgres://kit@prodstack-test-postgres:5432/kit',
    );
  });

  it('uses a database of the user’s own instead, when databaseUrl names one', async () => {
    const run = await runProgram({ ...swarm, databaseUrl: 'postgres://kit@db.internal:5432/kit' });
    assert.deepEqual(run.serviceNames, [
      'prodstack-test-app',
      'prodstack-test-nginx',
      'prodstack-test-prometheus',
    ]);
    assert.deepEqual(
      ofType(run, 'docker:index/volume:Volume').map((volume) => volume.inputs.name),
      ['prodstack-test-prometheus-data'],
    );
    assert.equal(
      serviceNamed(run.resources, 'app').taskSpec.containerSpec.env.DATABASE_URL,
      'postgres://kit@db.internal:5432/kit',
    );
  });

  it('refuses a databaseUrl that carries a password, without repeating it', async () => {
    await assert.rejects(
      runProgram({ ...swarm, databaseUrl: 'postgres://kit:hunter22@db/kit' }),
      (error: Error) => {
        assert.match(
          error.message,
          /databaseUrl: expected postgres:\/\/user@host:5432\/dbname, without a password, got "postgres:\/\/kit:\*\*\*@db\/kit"/,
        );
        assert.ok(!error.message.includes('hunter22'));
        return true;
      },
    );
  });

  it('hardens the app: read-only root, no capabilities, its own user, a drain longer than pm2’s', async () => {
    const run = await runProgram(swarm);
    const spec = serviceNamed(run.resources, 'app').taskSpec.containerSpec;
    assert.equal(spec.readOnly, true);
    assert.deepEqual(spec.capDrops, ['ALL']);
    assert.equal(spec.user, 'node');
    const grace = Number(String(spec.stopGracePeriod).replace(/s$/, ''));
    assert.ok(grace * 1000 > (ecosystem.apps[0]?.kill_timeout ?? Infinity));
    assert.equal(serviceNamed(run.resources, 'app').taskSpec.restartPolicy.window, '0s');
  });

  it("has Prometheus find the app's tasks by DNS and scrape each task's metrics port", async () => {
    const run = await runProgram({
      ...swarm,
      replicas: '3',
      scrapeInterval: '5s',
      p95BudgetMs: '250',
    });
    const env = serviceNamed(run.resources, 'app').taskSpec.containerSpec.env;
    assert.equal(env.METRICS_PORT, '9464');
    assert.equal(env.METRICS_HOST, '0.0.0.0');
    assert.equal(env.NGINX_STATUS_URL, 'http://prodstack-test-nginx:8080/nginx_status');
    const [image] = ofType(run, 'docker:index/image:Image').filter((i) =>
      i.name.endsWith('prometheus-image'),
    );
    assert.deepEqual((image?.inputs.build as { args: Inputs }).args, {
      DEBIAN_BASE: 'debian:bookworm-slim',
      APP_TASKS: 'tasks.prodstack-test-app',
      METRICS_PORT: '9464',
      SCRAPE_INTERVAL: '5s',
      EXPECTED_TASKS: '3',
      TASK_DOWN_AFTER: '60s',
      P95_BUDGET_SECONDS: '0.25',
    });
    const prometheus = serviceNamed(run.resources, 'prometheus');
    assert.deepEqual(prometheus.taskSpec.placement?.constraints, ['node.role==manager']);
    assert.equal(prometheus.taskSpec.containerSpec.readOnly, true);
  });

  it('shows nginx_status to the overlay network alone, whose range it fixes', async () => {
    const run = await runProgram({ ...swarm, overlaySubnet: '10.99.0.0/24' });
    const [nginxImage] = ofType(run, 'docker:index/image:Image').filter((i) =>
      i.name.endsWith('nginx-image'),
    );
    assert.equal(
      (nginxImage?.inputs.build as { args: Inputs }).args.STATUS_CLIENTS,
      '10.99.0.0/24',
    );
    const [network] = ofType(run, 'docker:index/network:Network');
    assert.deepEqual(network?.inputs.ipamConfigs, [
      { subnet: '10.99.0.0/24', gateway: '10.99.0.1' },
    ]);
  });

  it('runs nginx on as many nodes as nginxReplicas says, never two on one node, on the nodes nginxPlacement names', async () => {
    const one = serviceNamed((await runProgram(swarm)).resources, 'nginx');
    assert.equal(one.mode.replicated.replicas, 1);
    const three = serviceNamed(
      (await runProgram({ ...swarm, nginxReplicas: '3' })).resources,
      'nginx',
    );
    assert.equal(three.mode.replicated.replicas, 3);
    assert.deepEqual(three.taskSpec.placement, { maxReplicas: 1 });
    assert.ok(three.convergeConfig, 'pulumi up waits for every nginx');
    const labelled = serviceNamed(
      (await runProgram({ ...swarm, nginxPlacement: 'node.labels.ingress==true' })).resources,
      'nginx',
    );
    assert.deepEqual(labelled.taskSpec.placement, {
      constraints: ['node.labels.ingress==true'],
      maxReplicas: 1,
    });
  });

  it('keeps its images on the engine when no registry is set: built there, never pushed', async () => {
    const run = await runProgram(swarm);
    const images = ofType(run, 'docker:index/image:Image');
    assert.ok(
      images.every((image) => image.inputs.skipPush === true && image.provider === undefined),
    );
  });

  it('with a registry, builds every image where pulumi up runs, pushes it, and runs each by digest', async () => {
    const registry = 'registry.example.com:5000';
    const run = await runProgram({
      ...swarm,
      dockerHost: 'ssh://deploy@manager.example.com',
      registry,
      registryUser: 'deploy',
      registryPassword: 'a-registry-password',
    });
    const [builder] = ofType(run, 'pulumi:providers:docker').filter((provider) =>
      provider.name.endsWith('-builder'),
    );
    assert.deepEqual(builder?.inputs, {}, 'the engine of DOCKER_HOST where pulumi up runs');
    const images = ofType(run, 'docker:index/image:Image');
    assert.equal(images.length, 4);
    for (const image of images) {
      assert.equal(image.inputs.skipPush, false);
      assert.match(String(image.inputs.imageName), /^registry\.example\.com:5000\/prodstack-test-/);
      assert.ok(image.provider?.endsWith('::prodstack-test-builder-id'), image.name);
    }
    for (const role of ['app', 'nginx', 'prometheus', 'backup']) {
      const service = serviceNamed(run.resources, role);
      assert.match(
        String(service.taskSpec.containerSpec.image),
        new RegExp(`^${registry}/prodstack-test-${role === 'app' ? 'api' : role}@sha256:`),
      );
      // The provider holds the whole of a service's registry credentials as a secret.
      const auth = service.auth ?? {};
      assert.equal(auth[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
      assert.deepEqual(auth.value, {
        serverAddress: registry,
        username: 'deploy',
        password: 'a-registry-password',
      });
    }
    // PostgreSQL's public image is pulled without them: they go to their own registry alone.
    assert.equal(serviceNamed(run.resources, 'postgres').auth, undefined);
    for (const resource of run.resources) {
      for (const text of plainStrings(resource.inputs)) {
        assert.ok(!text.includes('a-registry-password'), `${resource.name} holds the password`);
      }
    }
  });

  it('refuses a registry password without its user', async () => {
    await assert.rejects(
      runProgram({ ...swarm, registry: 'r.example.com', registryPassword: 'p' }),
      {
        message: /registryPassword: set registryUser too/,
      },
    );
  });

  it('sends the alerts through Alertmanager to the webhook alertWebhookUrl names, when it names one', async () => {
    const without = await runProgram(swarm);
    assert.ok(!without.serviceNames.includes('prodstack-test-alertmanager'));
    const run = await runProgram({ ...swarm, alertWebhookUrl: 'https://hooks.example.com/alerts' });
    assert.ok(run.serviceNames.includes('prodstack-test-alertmanager'));
    const images = ofType(run, 'docker:index/image:Image');
    const buildArgs = (suffix: string) =>
      (
        images.find((image) => image.name.endsWith(`-${suffix}-image`))?.inputs.build as {
          args: Record<string, string>;
        }
      ).args;
    assert.equal(buildArgs('alertmanager').WEBHOOK_URL, 'https://hooks.example.com/alerts');
    assert.equal(buildArgs('prometheus').ALERTMANAGER_TASKS, 'tasks.prodstack-test-alertmanager');
    const alertmanager = serviceNamed(run.resources, 'alertmanager');
    assert.deepEqual(alertmanager.taskSpec.placement?.constraints, ['node.role==manager']);
  });

  it('needs the databasePassword secret', async () => {
    await assert.rejects(
      runProgram({ jwtSigningKey: signingKey, target: 'swarm' }),
      /databasePassword/,
    );
  });
});
