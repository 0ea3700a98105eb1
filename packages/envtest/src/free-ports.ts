import { createServer, type Server } from 'node:net';

/**
 * Asks the kernel for a free TCP port on 127.0.0.1 for each name, e.g. `await freePorts(['metrics', 'probe'])`.
 * All listeners are open at once, so the ports are distinct (one-at-a-time probing can hand out the same port
 * twice); they are released before the caller binds them, so another process can take one in between, which is
 * why `ControlPlane.start` retries once when a component reports the address in use.
 */
export async function freePorts<Name extends string>(names: readonly Name[]): Promise<Record<Name, number>> {
  const servers: Server[] = [];
  try {
    const ports = await Promise.all(
      names.map(
        (name) =>
          new Promise<[Name, number]>((resolve, reject) => {
            const server = createServer();
            servers.push(server);
            server.once('error', reject);
            server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
              const address = server.address();
              if (address !== null && typeof address === 'object') resolve([name, address.port]);
              else
                reject(new Error(`envtest: no free loopback port for ${name}: the listener reported none`));
            });
          }),
      ),
    );
    return Object.fromEntries(ports) as Record<Name, number>;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
