import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Cleanup } from '../../scripts/testServices/cleanup';
import { findExecutable, freePort, startProcess, temporaryFolder } from '../../scripts/testServices/processes';
import { pingRedis, waitUntilAnswers } from '../../scripts/testServices/probes';

const SLOTS = 16384;

/**
 * A cluster of `masters` nodes without replicas, slots split evenly, joined by hand (CLUSTER
 * ADDSLOTSRANGE and MEET): `redis-cli --cluster create` insists on three masters at least, and the
 * measurement wants one and two as well. Stopped by `cleanup`.
 */
export async function startMasters(cleanup: Cleanup, masters: number): Promise<{ nodes: string; ports: number[] }> {
  const server = findExecutable('redis-server');
  if (!server) throw new Error('needs redis-server (Debian package redis-server)');
  const dir = await mkdtemp(join(tmpdir(), 'sendook-bench-cluster-'));
  cleanup.add(temporaryFolder(dir));
  const ports: number[] = [];
  const busPorts: number[] = [];
  for (let i = 0; i < masters; i++) {
    const [port, bus] = [await freePort(), await freePort()];
    // announce-ip: a node alone never learns its address from a peer and would announce "".
    const args = ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'];
    args.push('--cluster-config-file', join(dir, `nodes-${port}.conf`), '--save', '', '--appendonly', 'no', '--dir', dir);
    const daemon = startProcess(server, args, join(dir, `redis-${port}.log`));
    cleanup.add(daemon);
    await waitUntilAnswers(() => pingRedis(`redis://127.0.0.1:${port}`), { timeoutMs: 30_000, abortReason: daemon.exitReason });
    ports.push(port);
    busPorts.push(bus);
  }
  const clients = ports.map((port) => new Redis(port, '127.0.0.1'));
  try {
    await Promise.all(
      clients.map((c, i) => c.call('CLUSTER', 'ADDSLOTSRANGE', String(Math.floor((i * SLOTS) / masters)), String(Math.floor(((i + 1) * SLOTS) / masters) - 1))),
    );
    // The bus port is not port + 10000 here, so MEET names it.
    for (let i = 1; i < masters; i++) await clients[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(ports[i]), String(busPorts[i]));
    await waitUntilAnswers(
      async () => {
        for (const c of clients) {
          const info = String(await c.call('CLUSTER', 'INFO'));
          if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${masters}`)) throw new Error('not joined yet');
        }
      },
      { timeoutMs: 30_000 },
    );
  } finally {
    for (const c of clients) c.disconnect();
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports };
}

/** Commands processed and CPU seconds used by one node so far (INFO stats and cpu). */
export async function nodeLoad(port: number): Promise<{ commands: number; cpuSeconds: number }> {
  const redis = new Redis(port, '127.0.0.1');
  try {
    const info = await redis.info();
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return { commands: field('total_commands_processed'), cpuSeconds: field('used_cpu_user') + field('used_cpu_sys') };
  } finally {
    redis.disconnect();
  }
}
