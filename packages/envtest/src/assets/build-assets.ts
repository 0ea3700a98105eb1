import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { controlPlaneSourceDir } from './control-plane-versions.js';
import {
  allBinaries,
  type AssetsEnvironment,
  type AssetsLocation,
  type AssetsSource,
  type ComponentBinary,
  userCacheDir,
} from './locate-assets.js';

/** Options of {@link buildAssets}. */
export interface BuildAssetsOptions {
  /** Which binaries to build when missing. Default all five (what a control plane with nodes runs). */
  readonly binaries?: readonly ComponentBinary[];
  /**
   * The directory to fill. Default `$SPOKE_ASSETS`, else the user cache. Never `$KUBEBUILDER_ASSETS`: that
   * directory belongs to setup-envtest.
   */
  readonly dir?: string;
  /** Default `process.env`; `PATH` must lead to bash and Go. */
  readonly env?: AssetsEnvironment;
  /** Receives each progress line of the build. Default: written to stderr, for a person watching a long build. */
  readonly onProgress?: (line: string) => void;
}

/** How many progress lines a failed build's error quotes: enough for Go's error and build.sh's advice. */
const quotedLines = 20;

/**
 * Builds the missing binaries from the Go module proxy with this package's `control-plane/build.sh` (pinned by its
 * `versions.env` and `go.sum` files) and resolves with their directory. A complete set is reused at once; a cold
 * build of all five takes 15–30 minutes on two cores. A failure — no Go toolchain, one too old, a download
 * refused — rejects with an error that quotes the build's last lines, which say what to do.
 */
export async function buildAssets(options: BuildAssetsOptions = {}): Promise<AssetsLocation> {
  const env = options.env ?? process.env;
  const fromEnv = env['SPOKE_ASSETS'];
  const dir = options.dir ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : userCacheDir(env));
  const source: AssetsSource =
    options.dir !== undefined
      ? 'the assetsDir option'
      : fromEnv !== undefined && fromEnv !== ''
        ? '$SPOKE_ASSETS'
        : 'the user cache';
  const onProgress =
    options.onProgress ??
    ((line: string) => {
      process.stderr.write(`${line}\n`);
    });
  const script = `${controlPlaneSourceDir}build.sh`;
  const child = spawn('bash', [script, ...(options.binaries ?? allBinaries)], {
    env: { ...env, SPOKE_ASSETS: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lastLines: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    lastLines.push(line);
    if (lastLines.length > quotedLines) lastLines.shift();
    onProgress(line);
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const [code, signal] = (await Promise.race([
    once(child, 'close'),
    once(child, 'error').then(([error]: unknown[]) => {
      throw new Error(`envtest: cannot run bash to build the control plane: ${String(error)}`);
    }),
  ])) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    throw new Error(
      `envtest: building the control plane with ${script} failed (${code === null ? String(signal) : `exit ${code}`}):\n` +
        lastLines.join('\n'),
    );
  }
  const printed = stdout.trim().split('\n').at(-1);
  return { dir: printed === undefined || printed === '' ? dir : printed, source };
}
