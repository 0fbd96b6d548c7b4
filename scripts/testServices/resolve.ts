import type { Cleanup } from './cleanup';
import { DOCKER_URLS, canUseDocker, composeUp } from './dockerCompose';
import { answers, errorMessage, waitUntilAnswers } from './probes';
import type { ChosenService, ServiceName } from './types';

/** How to find, check and start one kind of server. */
export interface ServiceSpec {
  name: ServiceName;
  /** Name of the variable that can point at an existing server, for messages. */
  envVar: string;
  envUrl: string | undefined;
  localUrl: string;
  ping: (url: string) => Promise<void>;
  startPrivate: (cleanup: Cleanup) => Promise<ChosenService | undefined>;
  /** Turns a user-given URL into what the tests expect (e.g. drops a database name). */
  normaliseUrl: (url: string) => string;
}

export interface ResolveOptions {
  /** Skip the servers on the standard local ports (to exercise the private path). */
  forcePrivate: boolean;
  cleanup: Cleanup;
  repoRoot: string;
}

/**
 * Picks a server in order: explicit URL, local server, private process,
 * docker compose. Returns undefined when none is available.
 */
export async function resolveService(spec: ServiceSpec, options: ResolveOptions): Promise<ChosenService | undefined> {
  if (spec.envUrl !== undefined) return fromEnvironment(spec, spec.envUrl);
  if (!options.forcePrivate && (await answers(() => spec.ping(spec.localUrl)))) {
    return { url: spec.localUrl, label: `localhost ${hostOf(spec.localUrl)}` };
  }
  const { cleanup } = options;
  const privateServer = await tryNextOption(`private ${spec.name} server`, cleanup, () => spec.startPrivate(cleanup));
  if (privateServer) return privateServer;
  return tryNextOption(`docker compose ${spec.name}`, cleanup, () => fromDockerCompose(spec, options.repoRoot));
}

/** An explicit URL is never silently replaced: if it does not answer, the run fails. */
async function fromEnvironment(spec: ServiceSpec, envUrl: string): Promise<ChosenService> {
  const url = spec.normaliseUrl(envUrl);
  try {
    await waitUntilAnswers(() => spec.ping(url), { timeoutMs: 10_000 });
  } catch (error) {
    throw new Error(`${spec.envVar} (${hostOf(url)}) does not answer: ${errorMessage(error)}`);
  }
  return { url, label: `${spec.envVar} ${hostOf(url)}` };
}

async function fromDockerCompose(spec: ServiceSpec, repoRoot: string): Promise<ChosenService | undefined> {
  if (!(await canUseDocker())) return undefined;
  await composeUp(spec.name, repoRoot);
  const url = DOCKER_URLS[spec.name];
  // A first MySQL container start initialises its datadir, which takes a while.
  await waitUntilAnswers(() => spec.ping(url), { timeoutMs: 180_000 });
  return { url, label: `docker compose ${hostOf(url)}` };
}

/**
 * A source that is installed but broken is reported, then the next one is
 * tried. After an interrupt nothing new is started, and the failures it causes
 * are not news.
 */
async function tryNextOption(what: string, cleanup: Cleanup, start: () => Promise<ChosenService | undefined>): Promise<ChosenService | undefined> {
  if (cleanup.isClosing) return undefined;
  try {
    return await start();
  } catch (error) {
    if (cleanup.isClosing) return undefined;
    console.error(`npm test: ${what} failed, trying the next option: ${errorMessage(error)}`);
    return undefined;
  }
}

/** host:port without credentials, safe to print. */
function hostOf(url: string): string {
  return new URL(url).host;
}
