import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { KubeConfig, parseKubeConfig, type Cluster, type Context, type User } from './kube-config.js';
import { inClusterKubeConfig, serviceAccountDir } from './in-cluster.js';

/** Why a `--kubeconfig` that can't be read is the end, although $KUBECONFIG may name a good one. */
const explicitOnly =
  ' (with --kubeconfig, neither $KUBECONFIG, the in-cluster config nor ~/.kube/config is tried)';

/** Where a pod's ServiceAccount token is mounted (client-go's `rest.InClusterConfig` reads the same file). */
const serviceAccountToken = `${serviceAccountDir}/token`;

/**
 * No cluster could be configured: the message names the file that failed and why, or everything that was tried.
 * It is one line, for the log, never a stack trace's worth.
 */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

/** Options of {@link loadKubeConfig}; the defaults are the process's. */
export interface LoadKubeConfigOptions {
  /** The environment to read `KUBECONFIG` and `KUBERNETES_SERVICE_HOST/PORT` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The home directory holding `.kube/config`. Default `os.homedir()`. */
  readonly homeDir?: string;
}

/**
 * The cluster to talk to, in controller-runtime's order (`config.GetConfig`):
 * 1. `path` (the `--kubeconfig` flag): that file and nothing else;
 * 2. with `$KUBECONFIG` unset: the in-cluster config, when running in a pod (`KUBERNETES_SERVICE_HOST` and
 *    `KUBERNETES_SERVICE_PORT` set, the ServiceAccount token mounted);
 * 3. the files `$KUBECONFIG` lists (merged; missing ones skipped, as kubectl), else `~/.kube/config`.
 *
 * Throws a {@link KubeConfigError} naming the file and the reason when a kubeconfig can't be read or names no
 * cluster, or, when none was found, what was tried; a manager logs it and exits 1, as `ctrl.GetConfigOrDie`.
 */
export function loadKubeConfig(path?: string, options: LoadKubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  if (path) return loadFiles([path], 'the kubeconfig given by --kubeconfig', explicitOnly);
  const fromEnv = env['KUBECONFIG'] ?? '';
  const tried: string[] = ['--kubeconfig not given'];
  if (fromEnv === '') {
    const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
    const port = env['KUBERNETES_SERVICE_PORT'] ?? '';
    if (host !== '' && port !== '' && existsSync(serviceAccountToken)) {
      return inClusterKubeConfig(env);
    }
    tried.push(
      host === '' || port === ''
        ? 'not in a cluster ($KUBERNETES_SERVICE_HOST/PORT unset)'
        : `not in a cluster (no ServiceAccount token at ${serviceAccountToken})`,
    );
  }
  if (fromEnv !== '') {
    const files = fromEnv.split(delimiter).filter((f) => f !== '');
    const present = files.filter((f) => existsSync(f));
    if (present.length > 0) return loadFiles(present, 'a kubeconfig listed in $KUBECONFIG');
    tried.push(`$KUBECONFIG=${fromEnv}: ${files.length > 1 ? 'none of these files exists' : 'no such file'}`);
  } else {
    tried.push('$KUBECONFIG unset');
    const home = join(options.homeDir ?? homedir(), '.kube', 'config');
    if (existsSync(home)) return loadFiles([home], 'the kubeconfig');
    tried.push(`${home}: no such file`);
  }
  throw new KubeConfigError(`no kubeconfig found: ${tried.join('; ')}`);
}

/** The files merged as kubectl merges them (the first to set a name or the current context wins), then checked. */
function loadFiles(files: readonly string[], what: string, note = ''): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const kc = readKubeConfig(file, what, note);
    if (!currentContext) currentContext = kc.currentContext;
    for (const cluster of kc.clusters) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of kc.users) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of kc.contexts) if (!contexts.has(context.name)) contexts.set(context.name, context);
  }
  const merged = KubeConfig.fromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  const names = files.join(delimiter);
  if (!merged.currentContext) throw new KubeConfigError(`${what} ${names} sets no current-context`);
  const context = merged.getContextObject(merged.currentContext);
  if (!context)
    throw new KubeConfigError(`${what} ${names}: current-context "${merged.currentContext}" is not defined`);
  if (!merged.getCluster(context.cluster))
    throw new KubeConfigError(
      `${what} ${names}: context "${context.name}" names cluster "${context.cluster}", not defined`,
    );
  return merged;
}

function readKubeConfig(file: string, what: string, note: string): KubeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err: unknown) {
    throw new KubeConfigError(`cannot read ${what} ${file}: ${describe(err)}${note}`);
  }
  if (text.trim() === '') throw new KubeConfigError(`${what} ${file} is empty`);
  try {
    // Certificate, key and token file paths in a kubeconfig are relative to its own directory, as kubectl reads them.
    return KubeConfig.fromOptions(parseKubeConfig(text, dirname(file)));
  } catch (err: unknown) {
    throw new KubeConfigError(`${what} ${file} is not a valid kubeconfig: ${describe(err)}`);
  }
}

/** A file system or parse error in a few words, on one line. */
function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
