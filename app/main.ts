import { ConfigError, loadConfig } from '../config';
import { createApp } from './app';
import { buildDeps, createLogger } from './container';
import { closeGracefully, createHttpServer } from './server';

/** The composition root: config, dependencies and the app are built here and only here. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const deps = await buildDeps(config, logger);
  const server = createHttpServer(createApp(deps), logger);
  server.listen(config.http.port, config.http.host, () => {
    if (config.database.client === 'sqlite' && !config.redis) {
      logger.info({ sqlite: config.database.file }, 'embedded mode: SQLite database, in-process cache and limiter (one instance only)');
    }
    logger.info({ port: config.http.port, host: config.http.host }, 'listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    void closeGracefully(server, deps.close, logger).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  // Config errors name the variable; print them plainly instead of as a stack.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
