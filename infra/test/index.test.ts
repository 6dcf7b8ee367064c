/**
 * The Pulumi program under Pulumi's mock runtime (support/mock-runtime.ts): what it declares,
 * checked without the Pulumi CLI, which cannot be installed here. index.containers.test.ts runs
 * the same declarations on a real Docker engine.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { createRequire } from 'node:module';
import { selfSignedPair } from '../../testing/tls-pairs.ts';
import {
  ofType,
  runProgram,
  type DeclaredResource,
  type ProgramRun,
} from './support/mock-runtime.ts';

/** pm2's description of the app: its kill_timeout is how long a worker may take to drain. */
const ecosystem = createRequire(import.meta.url)('../../ecosystem.config.cjs') as {
  apps: { kill_timeout: number }[];
};

const signingKey = 'a-signing-key-of-more-than-32-bytes-for-hs256';
const base = { jwtSigningKey: signingKey };

const containers = (resources: DeclaredResource[]) =>
  resources.filter((resource) => resource.type === 'docker:index/container:Container');
const field = (resource: DeclaredResource | undefined, key: string) => resource?.inputs[key];

/** Every string in `value`, except inside the values Pulumi marks secret. */
function plainStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  if (
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] ===
    pulumi.runtime.specialSecretSig
  ) {
    return [];
  }
  return Object.values(value).flatMap(plainStrings);
}

describe('the Pulumi program', () => {
  it('declares a network, a volume, two local images and one app container per replica plus nginx', async () => {
    const run = await runProgram({ ...base, replicas: '3' });
    assert.equal(ofType(run, 'docker:index/network:Network').length, 1);
    assert.equal(ofType(run, 'docker:index/volume:Volume').length, 1);
    const images = ofType(run, 'docker:index/image:Image');
    assert.deepEqual(
      images.map((image) => [field(image, 'imageName'), field(image, 'skipPush')]),
      [
        ['prodstack-test-api:latest', true],
        ['prodstack-test-nginx:latest', true],
      ],
    );
    const version = /^prodstack-test-app-1-([0-9a-f]{12})$/.exec(run.containerNames[0] ?? '')?.[1];
    assert.ok(version, run.containerNames.join(' '));
    assert.deepEqual(run.containerNames, [
      `prodstack-test-app-1-${version}`,
      `prodstack-test-app-2-${version}`,
      `prodstack-test-app-3-${version}`,
      'prodstack-test-nginx',
    ]);
  });

  it("names the app containers after their image's build, so a new image makes new containers beside the old", async () => {
    const namesWith = async (config: Record<string, string>) =>
      (await runProgram({ ...base, ...config })).containerNames;
    const first = await namesWith({});
    assert.deepEqual(await namesWith({}), first, 'the same build keeps its containers');
    assert.deepEqual(
      await namesWith({ loginRate: '5r/s' }),
      first,
      "nginx's settings do not touch the app containers",
    );
    const rebuilt = await namesWith({ appBaseImage: 'node:24.1-bookworm-slim' });
    assert.notDeepEqual(rebuilt.slice(0, 2), first.slice(0, 2));
    assert.equal(rebuilt[2], first[2], 'nginx stays');
    const run = await runProgram(base);
    for (const app of containers(run.resources).filter((c) => c.name.includes('-app-'))) {
      assert.equal(app.deleteBeforeReplace, false, `${app.name} is replaced create-first`);
    }
  });

  it("gives every app container the one network alias nginx's image looks up per request", async () => {
    const run = await runProgram({ ...base, replicas: '2' });
    const [network] = ofType(run, 'docker:index/network:Network');
    const apps = containers(run.resources).filter((c) => c.name.includes('-app-'));
    const nets = apps.map(
      (app) => (field(app, 'networksAdvanced') as { name: string; aliases: string[] }[])[0],
    );
    assert.deepEqual(
      nets.map((net) => net?.aliases),
      [['app'], ['app']],
    );
    assert.ok(nets.every((net) => net?.name === field(network, 'name')));
    const nginxImage = ofType(run, 'docker:index/image:Image')[1];
    const build = field(nginxImage, 'build') as {
      args: Record<string, string>;
      dockerfile: string;
    };
    assert.equal(build.args.UPSTREAMS, 'app');
    assert.equal(build.args.RESOLVER, '127.0.0.11');
    assert.match(build.dockerfile, /nginx\/Dockerfile$/);
  });

  it("builds nginx's upstreams on the port the app containers listen on", async () => {
    const run = await runProgram(base);
    const nginxImage = ofType(run, 'docker:index/image:Image')[1];
    const { args } = field(nginxImage, 'build') as { args: Record<string, string> };
    const envs = field(containers(run.resources)[0], 'envs') as { value: string[] };
    assert.ok(args.APP_PORT);
    assert.ok(envs.value.includes(`APP_PORT=${args.APP_PORT}`), envs.value.join(' '));
  });

  it('publishes nginx on 127.0.0.1:8080 unless told otherwise, and says where in its url output', async () => {
    const byDefault = await runProgram(base);
    const nginx = containers(byDefault.resources).at(-1);
    assert.deepEqual(field(nginx, 'ports'), [{ internal: 8080, external: 8080, ip: '127.0.0.1' }]);
    assert.equal(byDefault.url, 'http://127.0.0.1:8080/');
    const open = await runProgram({ ...base, publicHost: '0.0.0.0', publicPort: '9000' });
    assert.deepEqual(field(containers(open.resources).at(-1), 'ports'), [
      { internal: 8080, external: 9000, ip: '0.0.0.0' },
    ]);
    assert.equal(open.url, 'http://127.0.0.1:9000/');
  });

  it('publishes no app container port: only nginx is reachable from the host', async () => {
    const run = await runProgram(base);
    const apps = containers(run.resources).filter((c) => c.name.includes('-app-'));
    assert.ok(apps.every((app) => field(app, 'ports') === undefined));
  });

  it('locks every container down: read-only root, tmpfs /tmp, no capabilities, no new privileges, restart, memory', async () => {
    const run = await runProgram(base);
    for (const container of containers(run.resources)) {
      assert.equal(field(container, 'readOnly'), true, container.name);
      assert.deepEqual(Object.keys(field(container, 'tmpfs') as object), ['/tmp'], container.name);
      assert.deepEqual(field(container, 'capabilities'), { drops: ['ALL'] }, container.name);
      assert.deepEqual(
        field(container, 'securityOpts'),
        ['no-new-privileges:true'],
        container.name,
      );
      assert.equal(field(container, 'restart'), 'unless-stopped', container.name);
      assert.equal(typeof field(container, 'memory'), 'number', container.name);
    }
  });

  it('health-checks the app containers on /readyz and waits for them, with the SQLite volume at /data', async () => {
    const run = await runProgram({ ...base, appMemoryMb: '1024' });
    const [volume] = ofType(run, 'docker:index/volume:Volume');
    for (const app of containers(run.resources).filter((c) => c.name.includes('-app-'))) {
      assert.deepEqual((field(app, 'healthcheck') as { tests: string[] }).tests, [
        'CMD',
        'node',
        'dist/app/src/healthcheck.js',
      ]);
      assert.equal(field(app, 'wait'), true);
      assert.equal(field(app, 'memory'), 1024);
      assert.deepEqual(field(app, 'volumes'), [
        { volumeName: field(volume, 'name'), containerPath: '/data' },
      ]);
    }
  });

  it('builds the images on the configured bases', async () => {
    const run = await runProgram({
      ...base,
      appBaseImage: 'local/node:24',
      nginxBaseImage: 'local/nginx:1',
    });
    const [api, nginx] = ofType(run, 'docker:index/image:Image').map(
      (image) => (field(image, 'build') as { args: Record<string, string> }).args,
    );
    assert.equal(api?.NODE_BASE, 'local/node:24');
    assert.deepEqual([nginx?.NODE_BASE, nginx?.NGINX_BASE], ['local/node:24', 'local/nginx:1']);
  });

  it('passes the signing key to the app containers only as a Pulumi secret, never in plain text', async () => {
    const run = await runProgram({ ...base, accessTokenLifetime: '10m' });
    for (const resource of run.resources) {
      assert.ok(
        !plainStrings(resource.inputs).some((text) => text.includes(signingKey)),
        `${resource.name} holds the signing key in plain text`,
      );
    }
    const app = containers(run.resources)[0];
    const envs = field(app, 'envs') as Record<string, unknown>;
    assert.equal(envs[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
    assert.ok((envs.value as string[]).includes(`JWT_SIGNING_KEY=${signingKey}`));
    assert.ok((envs.value as string[]).includes('ACCESS_TOKEN_LIFETIME=600'));
    assert.ok(![run.url, ...run.containerNames].some((output) => output.includes(signingKey)));
  });

  it('targets a remote engine through its own provider when dockerHost is set', async () => {
    const run = await runProgram({ ...base, dockerHost: 'ssh://deploy@app1.example' });
    const [provider] = ofType(run, 'pulumi:providers:docker');
    assert.equal(field(provider, 'host'), 'ssh://deploy@app1.example');
    const others = run.resources.filter((resource) => resource !== provider);
    assert.ok(others.every((resource) => resource.provider?.includes(provider?.name ?? '?')));
  });

  it('stops with every bad setting listed', async () => {
    await assert.rejects(runProgram({ ...base, replicas: 'many', publicPort: '99999' }), {
      message: /bad stack configuration:\n {2}replicas: .*\n {2}publicPort: /,
    });
  });

  it('stops when the signing key is missing, or too short for the algorithm, with one line and no resource', async () => {
    await assert.rejects(runProgram({}), { message: /jwtSigningKey/ });
    const declared: DeclaredResource[] = [];
    await assert.rejects(
      runProgram({ jwtSigningKey: 'short' }, 'test', declared),
      (error: Error) =>
        pulumi.RunError.isInstance(error) &&
        /^jwtSigningKey: HS256 needs a secret of at least 32 bytes[^\n]*$/.test(error.message),
    );
    assert.deepEqual(declared, []);
  });

  it('hands the app older keys to accept, comma-separated, as a secret', async () => {
    const older = [
      'an-older-key-of-more-than-32-bytes-for-hs256',
      'the-oldest-key-of-32-bytes-or-more',
    ];
    const run = await runProgram({ ...base, jwtVerifyingKeys: `${older.join('\n')}\n` });
    for (const resource of run.resources) {
      assert.ok(
        !plainStrings(resource.inputs).some((text) => older.some((key) => text.includes(key))),
        `${resource.name} holds an older key in plain text`,
      );
    }
    const envs = field(containers(run.resources)[0], 'envs') as { value: string[] };
    assert.ok(envs.value.includes(`JWT_VERIFYING_KEYS=${older.join(',')}`), envs.value.join(' '));
  });

  it('makes new app containers for a new key, beside the old, and names them without it', async () => {
    const namesWith = async (config: Record<string, string>) =>
      (await runProgram({ ...base, ...config })).containerNames;
    const first = await namesWith({});
    const next = 'the-next-signing-key-of-more-than-32-bytes';
    const rotated = await namesWith({ jwtSigningKey: next, jwtVerifyingKeys: signingKey });
    assert.notDeepEqual(rotated.slice(0, 2), first.slice(0, 2));
    assert.equal(rotated[2], first[2], 'nginx stays');
    assert.ok(!rotated.some((name) => name.includes(next) || name.includes(signingKey)));
  });

  it('stops on an older key the app would refuse, or one the containers cannot hand over, with no resource', async () => {
    for (const [jwtVerifyingKeys, problem] of [
      ['short', /^jwtVerifyingKeys: HS256 needs a secret of at least 32 bytes[^\n]*$/],
      [
        'an-older-key-of-more-than-32-bytes,with-a-comma',
        /^jwtVerifyingKeys: the containers target cannot hand over an HMAC secret with a comma in it$/,
      ],
    ] as const) {
      const declared: DeclaredResource[] = [];
      await assert.rejects(
        runProgram({ ...base, jwtVerifyingKeys }, 'test', declared),
        (error: Error) => pulumi.RunError.isInstance(error) && problem.test(error.message),
      );
      assert.deepEqual(declared, []);
    }
  });

  describe('with a TLS pair', () => {
    const pair = selfSignedPair();
    const https = { ...base, tlsCertificate: pair.certificate, tlsKey: pair.key };
    const named = (run: ProgramRun, part: string) =>
      containers(run.resources).find((c) => String(c.inputs.name).includes(part));

    it('serves HTTPS on tlsPort from nginx, and redirects plain HTTP there, its url on https', async () => {
      const run = await runProgram(https);
      assert.equal(run.url, 'https://127.0.0.1:8443/');
      assert.deepEqual(field(named(run, '-nginx'), 'ports'), [
        { internal: 8080, external: 8080, ip: '127.0.0.1' },
        { internal: 8443, external: 8443, ip: '127.0.0.1' },
      ]);
      const [, nginx] = ofType(run, 'docker:index/image:Image');
      const args = (field(nginx, 'build') as { args: Record<string, string> }).args;
      assert.deepEqual([args.TLS_PORT, args.REDIRECT_PORT], ['8443', '8443']);
      const refusing = await runProgram({ ...https, plainHttp: 'refuse', tlsPort: '443' });
      assert.deepEqual(field(named(refusing, '-nginx'), 'ports'), [
        { internal: 8443, external: 443, ip: '127.0.0.1' },
      ]);
      const serving = await runProgram({ ...https, plainHttp: 'serve' });
      const servingArgs = (
        field(ofType(serving, 'docker:index/image:Image')[1], 'build') as {
          args: Record<string, string>;
        }
      ).args;
      assert.equal(servingArgs.REDIRECT_PORT, undefined);
    });

    it('hands the pair to a keeper as a secret, which writes the volume nginx only reads', async () => {
      const run = await runProgram(https);
      for (const resource of run.resources) {
        assert.ok(
          !plainStrings(resource.inputs).some((text) => text.includes(pair.key.trim())),
          `${resource.name} holds the TLS key in plain text`,
        );
      }
      const keeper = named(run, '-tls-keeper-');
      assert.ok(keeper, run.containerNames.join(' '));
      assert.deepEqual(field(keeper, 'entrypoints'), ['tls-keeper.sh']);
      assert.deepEqual(field(keeper, 'command'), ['install', '-']);
      assert.equal(field(keeper, 'wait'), true);
      assert.deepEqual(field(keeper, 'volumes'), [
        { volumeName: 'prodstack-test-tls', containerPath: '/var/lib/prodstack-tls' },
      ]);
      assert.deepEqual(field(named(run, '-nginx'), 'volumes'), [
        {
          volumeName: 'prodstack-test-tls',
          containerPath: '/var/lib/prodstack-tls',
          readOnly: true,
        },
      ]);
    });

    it('renews with a new keeper beside the old, and leaves nginx and the app as they are', async () => {
      const first = await runProgram(https);
      const next = selfSignedPair();
      const renewed = await runProgram({
        ...https,
        tlsCertificate: next.certificate,
        tlsKey: next.key,
      });
      const keeperOf = (run: ProgramRun) =>
        run.containerNames.find((n) => n.includes('-tls-keeper-'));
      assert.notEqual(keeperOf(renewed), keeperOf(first));
      assert.equal(named(renewed, '-tls-keeper-')?.deleteBeforeReplace, false);
      const others = (run: ProgramRun) =>
        containers(run.resources)
          .filter((c) => !String(c.inputs.name).includes('-tls-keeper-'))
          .map((c) => JSON.stringify(c.inputs));
      assert.deepEqual(others(renewed), others(first));
    });

    it('stops on half a pair, a key of another certificate, or an expired one, before declaring anything', async () => {
      const other = selfSignedPair();
      for (const [config, problem] of [
        [
          { ...base, tlsCertificate: pair.certificate },
          /^tlsKey: set it too: HTTPS needs tlsCertificate and tlsKey$/,
        ],
        [
          { ...https, tlsKey: other.key },
          /^tlsKey: not the key of tlsCertificate \(CN=localhost, serial \w+\)$/,
        ],
      ] as const) {
        const declared: DeclaredResource[] = [];
        await assert.rejects(
          runProgram(config, 'test', declared),
          (error: Error) => pulumi.RunError.isInstance(error) && problem.test(error.message),
        );
        assert.deepEqual(declared, []);
      }
    });
  });

  it('limits every container to its memory with no swap beyond it, as Docker reads it back', async () => {
    const run = await runProgram(base);
    for (const container of containers(run.resources)) {
      assert.ok(Number(field(container, 'memory')) > 0, container.name);
      assert.equal(field(container, 'memorySwap'), field(container, 'memory'), container.name);
    }
  });

  it("gives every container longer to stop, when destroyed or replaced, than pm2's drain", async () => {
    const { kill_timeout: drainMs } = ecosystem.apps[0] ?? {};
    assert.ok(drainMs);
    const run = await runProgram(base);
    for (const container of containers(run.resources)) {
      assert.ok(Number(field(container, 'destroyGraceSeconds')) * 1000 > drainMs, container.name);
      assert.ok(Number(field(container, 'stopTimeout')) * 1000 > drainMs, container.name);
    }
  });

  it("has a stopping app serve past nginx's 2 s DNS answer, and still stop within pm2's drain", async () => {
    const { kill_timeout: drainMs } = ecosystem.apps[0] ?? {};
    assert.ok(drainMs);
    const run = await runProgram(base);
    const envs = (field(containers(run.resources)[0], 'envs') as { value: string[] }).value;
    const seconds = (key: string) =>
      Number(
        /^(\d+)s$/.exec(
          envs.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1) ?? '',
        )?.[1],
      );
    assert.ok(seconds('SHUTDOWN_DELAY') > 2, envs.join(' '));
    // The delay, the drain and the app's 5 s bound beyond it (app/src/start.ts).
    assert.ok((seconds('SHUTDOWN_DELAY') + seconds('SHUTDOWN_TIMEOUT') + 5) * 1000 < drainMs);
  });
});
