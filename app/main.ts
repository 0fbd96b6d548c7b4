import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../config';
import { createApp } from './app';
import { buildDeps, createLogger } from './container';
import { createMetricsServer } from './metrics/server';
import { closeGracefully, createHttpServer } from './server';

/** The composition root: config, dependencies and the app are built here and only here. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const deps = await buildDeps(config, logger);
  // Prometheus on its own port, never with the API (docs/operations.md#metrics); up before the
  // API is.
  const metricsServer = deps.metrics && config.metricsPort !== null ? createMetricsServer(deps.metrics, logger) : null;
  if (metricsServer) {
    const port = await listenOn(metricsServer, config.metricsPort!, config.metricsHost);
    logger.info({ port, host: config.metricsHost }, 'metrics listening on /metrics');
  }
  // Receiving mail (SMTP_INBOUND_PORT; unset: none), up before the API says it is listening.
  // Loaded only then: mailparser and mailauth add seconds to a boot on a busy machine.
  const smtp = config.inbound.port === null ? null : (await import('./smtp/start')).createInboundSmtpServer(deps);
  if (smtp) {
    const port = await smtp.listen(config.inbound.port!, config.inbound.host);
    logger.info({ port, host: config.inbound.host }, 'SMTP listening for inbound mail');
  }
  // ROLE=smtp: a process that only receives mail, with no API listener.
  const server = config.role === 'smtp' ? null : createHttpServer(createApp(deps), logger);
  server?.listen(config.http.port, config.http.host, () => {
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
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    // SMTP stops taking mail first and finishes the messages it is reading; the pools close
    // only once both it and the HTTP server are done.
    const smtpStopped = smtp?.close();
    const closeDeps = async () => {
      await smtpStopped;
      await deps.close();
    };
    const closed = server ? closeGracefully(server, closeDeps, logger) : closeDeps().catch((err: unknown) => logger.error({ err }, 'error while closing'));
    // Every line logged so far, access lines included, is written before the process ends.
    void closed.then(() => logger.flush(() => process.exit(0)));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Resolves with the bound port; a port already in use stops the boot. */
function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

main().catch((err: unknown) => {
  // Config errors name the variable; print them plainly instead of as a stack.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
