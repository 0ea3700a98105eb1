import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The binaries of a full simulated cluster, as hack/control-plane/build.sh names them. */
export type ComponentBinary =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kwok';

/** Where the binaries are, and how that was decided (quoted in errors). */
export interface AssetsLocation {
  readonly dir: string;
  readonly source: string;
}

const buildScript = join('hack', 'control-plane', 'build.sh');

/**
 * Finds the binaries' directory: the `assetsDir` option, else `$SPOKE_ASSETS`, else what
 * `hack/control-plane/build.sh --print-dir` prints, the script being found by walking up from the working
 * directory (and, failing that, from this package).
 */
export function locateAssets(assetsDir: string | undefined): AssetsLocation {
  if (assetsDir !== undefined) return { dir: resolve(assetsDir), source: 'the assetsDir option' };
  const fromEnv = process.env['SPOKE_ASSETS'];
  if (fromEnv !== undefined && fromEnv !== '') return { dir: resolve(fromEnv), source: '$SPOKE_ASSETS' };
  const script = findUp(process.cwd()) ?? findUp(dirname(fileURLToPath(import.meta.url)));
  if (script === undefined) {
    throw new Error(
      `envtest: cannot find the control-plane binaries: $SPOKE_ASSETS is not set and no ${buildScript} was found ` +
        `above ${process.cwd()}; set SPOKE_ASSETS to a directory with etcd and kube-apiserver`,
    );
  }
  const dir = execFileSync('bash', [script, '--print-dir'], { encoding: 'utf8' }).trim();
  return { dir, source: `\`${script} --print-dir\`` };
}

/** The path of each named binary, or an error naming the missing ones, where they were looked for and why. */
export function requireBinaries<Name extends ComponentBinary>(
  location: AssetsLocation,
  names: readonly Name[],
): Record<Name, string> {
  const missing = names.filter((name) => !isExecutable(join(location.dir, name)));
  if (missing.length > 0) {
    throw new Error(
      `envtest: missing ${missing.join(', ')} in ${location.dir} (from ${location.source}): ` +
        'build them with `make control-plane` (hack/control-plane/build.sh), ' +
        'or set SPOKE_ASSETS to a directory that holds them',
    );
  }
  return Object.fromEntries(names.map((name) => [name, join(location.dir, name)])) as Record<Name, string>;
}

function findUp(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, buildScript);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
