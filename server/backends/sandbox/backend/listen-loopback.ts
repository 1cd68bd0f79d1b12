/**
 * Listen on 127.0.0.1, on the port an earlier run used when it is still free (kubeconfigs and shells opened with
 * `lab sandbox env` keep working after a restart), else on any free port. Resolves with the port taken.
 */
import {createServer, type AddressInfo, type Server} from 'node:net';

export async function listenLoopback(server: Server, preferredPort?: number): Promise<number> {
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(preferredPort ?? 0);
  } catch (e) {
    if (!preferredPort) throw e;
    await listen(0);
  }
  return (server.address() as AddressInfo).port;
}

/**
 * A port the kernel hands out as free on 127.0.0.1 right now, as k3d's GetFreePort asks for one (listen on
 * localhost:0, close, keep the number; k3d cmd/util/ports.go, v5.8.3). Like k3d's, it can be taken before it is used.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  const port = await listenLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
