import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename } from 'node:path';

/** One package the registry serves: its manifest and its tarball. */
interface Served {
  readonly manifest: Record<string, unknown> & { name: string; version: string };
  readonly file: string;
  readonly tarball: Buffer;
}

/**
 * An npm registry on loopback serving only the given tarballs (one version of each package), so that a project
 * installs them as a user installs published packages: by name and `^` range, with npm resolving everything else
 * from the real registry. Point a scope at it: `@spoke:registry=<url>` in `.npmrc` or on the command line.
 */
export class LocalNpmRegistry {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Starts serving `tarballs` (paths of `npm pack` output) on a free loopback port. */
  static async start(tarballs: readonly string[]): Promise<LocalNpmRegistry> {
    const packages = new Map<string, Served>();
    for (const file of tarballs) {
      const tarball = readFileSync(file);
      // `npm pack` puts the manifest at package/package.json.
      const manifest = JSON.parse(
        execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }),
      ) as Served['manifest'];
      packages.set(manifest.name, { manifest, file: basename(file), tarball });
    }
    let base = '';
    const server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
      const byFile = [...packages.values()].find((p) => path === `/-/${p.file}`);
      if (byFile !== undefined) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(byFile.tarball);
        return;
      }
      const served = packages.get(path.slice(1));
      if (served === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const { manifest, tarball, file } = served;
      const packument = {
        name: manifest.name,
        'dist-tags': { latest: manifest.version },
        versions: {
          [manifest.version]: {
            ...manifest,
            _id: `${manifest.name}@${manifest.version}`,
            dist: {
              tarball: `${base}-/${file}`,
              shasum: createHash('sha1').update(tarball).digest('hex'),
              integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
            },
          },
        },
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('registry: no port');
    base = `http://127.0.0.1:${address.port}/`;
    return new LocalNpmRegistry(server, base);
  }

  /** Stops serving; resolves when the server is closed. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}
