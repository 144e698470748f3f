import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { waitUntil } from './free-port.ts';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A redis-server child process on loopback `port`, with `args` besides the port, once it
 * answers PING. A server that exits or stays silent meanwhile is an error, and is not left
 * running.
 */
export async function spawnRedisServer(port: number, args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...args], {
    stdio: 'ignore',
  });
  try {
    await waitUntil(
      () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
        }
        return answers(port);
      },
      { timeoutMs: 10_000, what: `redis-server on port ${port}` },
    );
  } catch (error) {
    await stopRedisServer(child);
    throw error;
  }
  return child;
}

/** Stops a redis-server as a crash or a restart would, and waits until it has exited. */
export async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
