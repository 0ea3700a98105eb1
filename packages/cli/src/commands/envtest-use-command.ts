import { join, resolve } from 'node:path';
import {
  allBinaries,
  apiServerBinaries,
  assetSetId,
  buildAssets,
  missingBinaries,
  readControlPlaneVersions,
  userCacheDir,
  type AssetsLocation,
} from '@spoke/envtest/assets';
import type { Command } from '../cli/command.js';
import { UsageError } from '../cli/usage-error.js';

const printModes = ['path', 'env', 'overview'] as const;
type PrintMode = (typeof printModes)[number];

/** `spoke envtest use`: setup-envtest's verb, for the binaries @spoke/envtest runs. */
export const envtestUseCommand: Command = {
  path: ['envtest', 'use'],
  summary: 'Build (once) or find the control-plane binaries for tests, and print where they are',
  description: `Build, or find, the binaries that @spoke/envtest starts: etcd, kube-apiserver and, for simulated
nodes, kube-controller-manager, kube-scheduler and kwok, at the versions this @spoke/envtest pins. They are
built from the Go module proxy (needs Go) into the user cache, ~/.cache/spoke/control-plane/<versions>
(or $SPOKE_ASSETS, or --bin-dir), once: later runs find them at once. Progress goes to stderr; the directory is
printed on stdout, so that SPOKE_ASSETS=$(spoke envtest use) works. @spoke/envtest looks in the user cache by
itself, so a test run needs no variable when the default directory is used.`,
  synopsis: '[version] [flags]',
  examples: [
    '# Build or find the full set; print the directory',
    'spoke envtest use',
    '# Only what tests without simulated nodes need, and only if present',
    'spoke envtest use --api-server-only --installed-only',
    '# Set SPOKE_ASSETS in this shell',
    'source <(spoke envtest use -p env)',
  ],
  flags: [
    {
      name: 'print',
      short: 'p',
      type: 'string',
      placeholder: 'mode',
      description: 'what to print: path (the directory), env (export SPOKE_ASSETS=...) or overview',
      default: 'path',
    },
    {
      name: 'installed-only',
      short: 'i',
      type: 'boolean',
      description: 'never build: fail when a binary is missing',
    },
    {
      name: 'bin-dir',
      type: 'string',
      placeholder: 'dir',
      description:
        'the cache root, holding one directory per set of versions (default ~/.cache/spoke/control-plane)',
    },
    {
      name: 'api-server-only',
      type: 'boolean',
      description:
        'only etcd and kube-apiserver: enough for tests without simulated nodes, about half the build',
    },
  ],
  async run(context, flags, positionals) {
    const print = flags.string('print') ?? 'path';
    if (!(printModes as readonly string[]).includes(print)) {
      throw new UsageError(`invalid --print "${print}": must be one of ${printModes.join(', ')}`);
    }
    const versions = readControlPlaneVersions();
    if (positionals.length > 1)
      throw new UsageError(`envtest use takes one version at most, got "${positionals.join(' ')}"`);
    const asked = positionals[0];
    if (asked !== undefined && !matchesVersion(asked, versions.kubernetes)) {
      throw new UsageError(
        `this @spoke/envtest builds Kubernetes ${versions.kubernetes} only (pinned by its go.mod files), not "${asked}"`,
      );
    }
    const binaries = flags.boolean('api-server-only') ? apiServerBinaries : allBinaries;
    const binDir = flags.string('bin-dir');
    const spokeAssets = context.env['SPOKE_ASSETS'];
    const location: AssetsLocation =
      binDir !== undefined
        ? { dir: join(resolve(context.cwd, binDir), assetSetId(versions)), source: 'the assetsDir option' }
        : spokeAssets !== undefined && spokeAssets !== ''
          ? { dir: resolve(spokeAssets), source: '$SPOKE_ASSETS' }
          : { dir: userCacheDir(context.env, versions), source: 'the user cache' };

    if (flags.boolean('installed-only')) {
      const missing = missingBinaries(location, binaries);
      if (missing.length > 0) {
        throw new Error(
          `missing ${missing.join(', ')} in ${location.dir} (${binDir === undefined ? location.source : '--bin-dir'}): ` +
            'run without --installed-only to ' +
            'build them (needs Go)',
        );
      }
    } else {
      await buildAssets({
        dir: location.dir,
        binaries,
        env: context.env,
        onProgress: (line) => {
          context.stderr(`${line}\n`);
        },
      });
    }
    context.stdout(
      render(print as PrintMode, location.dir, versions.kubernetes, versions.etcd, versions.kwok, binaries),
    );
    return 0;
  },
};

/** Whether a version as setup-envtest takes it (`1.33.13`, `v1.33`, `1.33.x`) names the pinned one. */
function matchesVersion(asked: string, pinned: string): boolean {
  const want = pinned.replace(/^v/, '').split('.');
  const parts = asked.replace(/^v/, '').split('.');
  if (parts.length < 2 || parts.length > 3) return false;
  return parts.every((part, i) => part === 'x' || part === '*' || part === want[i]);
}

function render(
  mode: PrintMode,
  dir: string,
  kubernetes: string,
  etcd: string,
  kwok: string,
  binaries: readonly string[],
): string {
  switch (mode) {
    case 'path':
      return `${dir}\n`;
    case 'env':
      return `export SPOKE_ASSETS='${dir.replaceAll("'", "'\\''")}'\n`;
    case 'overview':
      return `Version: Kubernetes ${kubernetes}, etcd ${etcd}, kwok ${kwok}\nPath: ${dir}\nBinaries: ${binaries.join(', ')}\n`;
  }
}
