/**
 * Listen on 127.0.0.1, on the port an earlier run used when it is still free (kubeconfigs and shells opened with
 * `lab sandbox env` keep working after a restart), else on any free port. Resolves with the port taken.
 */
import type {AddressInfo, Server} from 'node:net';

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
