import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfig } from '../../config';
import { createKnex, migrateLatest } from '../../db/knex';
import { createApp } from '../../app/app';
import { buildDeps, createLogger, type Deps } from '../../app/container';
import { createHttpServer } from '../../app/server';
import pino, { type DestinationStream } from 'pino';
import { createDatabase, deleteRedisPrefix, randomSuffix, REDIS_URL } from './services';
import { sharedClusterNodes, topology, type Topology } from './topology';

/**
 * Tests about the request budget run in both modes (`for (const mode of RATE_LIMIT_MODES)`);
 * every other test runs in the default mode (lease), or in SENDOOK_TEST_RATE_LIMIT_MODE's. `npm
 * test` runs the files that depend on the mode again in exact mode (scripts/testServices/rateLimitModes.ts).
 */
export const RATE_LIMIT_MODES = ['exact', 'lease'] as const;
export type RateLimitMode = (typeof RATE_LIMIT_MODES)[number];
const SUITE_MODE = process.env.SENDOOK_TEST_RATE_LIMIT_MODE;

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <auth>`. */
  auth?: string;
  body?: unknown;
  /** Sent as is, without JSON encoding. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

/** One real app instance listening on a free port, with its dependencies open for counting. */
export class TestApp {
  constructor(
    readonly url: string,
    readonly deps: Deps,
    private readonly server: Server,
  ) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth !== undefined) headers.authorization = `Bearer ${options.auth}`;
    let body: string | Buffer | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.url + path, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  get = <T = any>(path: string, options?: RequestOptions) => this.request<T>('GET', path, options);
  post = <T = any>(path: string, options?: RequestOptions) => this.request<T>('POST', path, options);
  patch = <T = any>(path: string, options?: RequestOptions) => this.request<T>('PATCH', path, options);
  delete = <T = any>(path: string, options?: RequestOptions) => this.request<T>('DELETE', path, options);

  private closing: Promise<void> | null = null;

  /** Idempotent: a test may close its instance early and the world closes it again. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      await this.deps.close();
    })();
    return this.closing;
  }
}

/**
 * A test file's own world: one MySQL database and one Redis prefix, shared by every app instance
 * the file starts (several instances on one database and Redis is how multi-instance tests work).
 */
export class TestWorld {
  private readonly apps: TestApp[] = [];
  private constructor(
    readonly databaseUrl: string,
    readonly redisPrefix: string,
    private readonly dropDatabase: () => Promise<void>,
    /** Where the instances' Redis is: REDIS_URL, or REDIS_CLUSTER_NODES on a cluster. */
    readonly redisEnv: { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string },
  ) {}

  get topology(): Topology {
    return 'REDIS_CLUSTER_NODES' in this.redisEnv ? 'cluster' : 'single';
  }

  /**
   * `topology` defaults to the file's (test/helpers/topology.ts); `clusterNodes` names a cluster
   * other than the suite's shared one (the failover test's own); `redisUrl` a Redis other than the
   * suite's.
   */
  static async create(options: { topology?: Topology; clusterNodes?: string; redisUrl?: string } = {}): Promise<TestWorld> {
    const onCluster = (options.topology ?? topology()) === 'cluster' || options.clusterNodes !== undefined;
    const [db, nodes] = await Promise.all([createDatabase(), onCluster ? (options.clusterNodes ?? sharedClusterNodes()) : null]);
    // Migrate once here; instances then start with MIGRATE_ON_START=false and in parallel.
    const knex = createKnex(loadConfig({ MYSQL_URL: db.url }).database);
    await migrateLatest(knex).finally(() => knex.destroy());
    return new TestWorld(db.url, `test:${randomSuffix()}:`, db.drop, nodes ? { REDIS_CLUSTER_NODES: nodes } : { REDIS_URL: options.redisUrl ?? REDIS_URL });
  }

  /**
   * Starts an instance; `env` overrides the defaults (strings, as in the real environment).
   * `logTo` receives its log lines (set LOG_LEVEL in `env` too; the default is silent).
   */
  async start(env: Record<string, string> = {}, logTo?: DestinationStream): Promise<TestApp> {
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      MYSQL_URL: this.databaseUrl,
      // An instance given its own REDIS_URL (a fault test's private server) is on one node.
      ...(env.REDIS_URL ? {} : this.redisEnv),
      REDIS_PREFIX: this.redisPrefix,
      LOG_LEVEL: 'silent',
      MIGRATE_ON_START: 'false',
      // Test files run in parallel on two cores: a 100 ms Redis deadline or a 2 s MySQL connect
      // (the production defaults) would be missed now and then under that load. Fault tests set
      // them back explicitly.
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      MYSQL_CONNECT_TIMEOUT_MS: '10000',
      MYSQL_ACQUIRE_TIMEOUT_MS: '20000',
      // Every test registers its own accounts from 127.0.0.1; the throttle has its own tests.
      REGISTER_LIMIT_POINTS: '100000',
      ...(SUITE_MODE ? { RATE_LIMIT_MODE: SUITE_MODE } : {}),
      ...env,
    });
    const deps = await buildDeps(config, logTo ? createLogger(config, logTo) : pino({ level: config.logLevel }));
    const server = createHttpServer(createApp(deps), deps.logger);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const app = new TestApp(`http://127.0.0.1:${port}`, deps, server);
    this.apps.push(app);
    return app;
  }

  async close(): Promise<void> {
    await Promise.all(this.apps.map((a) => a.close().catch(() => undefined)));
    const env = this.redisEnv;
    await deleteRedisPrefix(this.redisPrefix, 'REDIS_URL' in env ? { url: env.REDIS_URL } : { clusterNodes: env.REDIS_CLUSTER_NODES }).catch(() => undefined);
    await this.dropDatabase();
  }
}

export interface Account {
  email: string;
  password: string;
  token: string;
  userId: string;
  orgId: string;
  key: string;
  keyId: string;
}

/** Registers a fresh user (random email) and returns its token, default organization and key. */
export async function register(app: TestApp): Promise<Account> {
  const email = `user-${randomSuffix()}@example.test`;
  const password = 'correct horse battery';
  const res = await app.post('/auth/register', { body: { email, password, first_name: 'Test', last_name: 'User' } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    email,
    password,
    token: res.body.token,
    userId: res.body.user.id,
    orgId: res.body.organization.id,
    key: res.body.apiKey.key,
    keyId: res.body.apiKey.id,
  };
}

/** Creates another key in the account's organization through the public API. */
export async function createKey(app: TestApp, account: Account, body: Record<string, unknown> = { name: 'extra' }) {
  const res = await app.post('/v1/api_keys', { auth: account.key, body });
  if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { key: res.body.key as string, id: res.body.id as string };
}
