import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import type * as Yaml from 'yaml';

// yaml (~2-3 MB RSS) is loaded when the first kubeconfig file is parsed, not at import: an in-cluster manager never
// parses one. Its `node` export is CommonJS, so require() returns the instance `import` would.
const requireCjs = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;
function parseYaml(text: string): unknown {
  yaml ??= requireCjs('yaml') as typeof Yaml;
  return yaml.parse(text);
}

/**
 * A cluster entry of a kubeconfig. Field names are client-node's (`caData`, `skipTLSVerify`...), so code written
 * against client-node's `Cluster` reads Spoke's unchanged.
 */
export interface Cluster {
  readonly name: string;
  readonly server: string;
  /** Base64 PEM, `certificate-authority-data`. */
  readonly caData?: string;
  /** `certificate-authority`, absolute once loaded from a file. */
  readonly caFile?: string;
  readonly tlsServerName?: string;
  readonly skipTLSVerify: boolean;
  readonly proxyUrl?: string;
}

/** An `exec` credential plugin (client.authentication.k8s.io ExecCredential). */
export interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  readonly apiVersion?: string;
  readonly [field: string]: unknown;
}

/** A user entry of a kubeconfig (client-node's field names). */
export interface User {
  readonly name: string;
  /** Base64 PEM, `client-certificate-data`. */
  readonly certData?: string;
  readonly certFile?: string;
  /** Base64 PEM, `client-key-data`. */
  readonly keyData?: string;
  readonly keyFile?: string;
  readonly token?: string;
  /** `tokenFile`: re-read as it rotates (a projected ServiceAccount token). */
  readonly tokenFile?: string;
  readonly username?: string;
  readonly password?: string;
  readonly impersonateUser?: string;
  readonly exec?: ExecConfig;
  readonly authProvider?: { readonly name: string; readonly config?: Readonly<Record<string, string>> };
}

/** A context entry: which cluster, as which user, in which namespace. */
export interface Context {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

/** The content of a kubeconfig, as {@link KubeConfig.fromOptions} takes it. */
export interface KubeConfigOptions {
  readonly clusters: readonly Cluster[];
  readonly users: readonly User[];
  readonly contexts: readonly Context[];
  readonly currentContext: string;
}

/**
 * Where the API server is and how to authenticate to it: Spoke's own kubeconfig model, so that a manager never loads
 * `@kubernetes/client-node`'s generated API (its `KubeConfig` imports all of it, some 50 MB of RSS). Read one with
 * `loadKubeConfig` (the `--kubeconfig` / `$KUBECONFIG` / in-cluster / `~/.kube/config` chain), {@link fromString}
 * or {@link fromOptions}. Its getters have client-node's names and shapes.
 */
export class KubeConfig {
  readonly clusters: readonly Cluster[];
  readonly users: readonly User[];
  readonly contexts: readonly Context[];
  readonly currentContext: string;

  constructor(options: KubeConfigOptions) {
    this.clusters = options.clusters;
    this.users = options.users;
    this.contexts = options.contexts;
    this.currentContext = options.currentContext;
  }

  /** A kubeconfig from its parts. */
  static fromOptions(options: KubeConfigOptions): KubeConfig {
    return new KubeConfig(options);
  }

  /**
   * Parses kubeconfig YAML (or JSON). Relative file paths (`certificate-authority`, `client-certificate`,
   * `client-key`, `tokenFile`) are resolved against `baseDir`, as kubectl resolves them against the file's directory.
   * Throws an `Error` naming the first malformed entry.
   */
  static fromString(text: string, baseDir?: string): KubeConfig {
    return new KubeConfig(parseKubeConfig(text, baseDir));
  }

  /** The name of the current context. */
  getCurrentContext(): string {
    return this.currentContext;
  }

  getClusters(): readonly Cluster[] {
    return this.clusters;
  }

  getUsers(): readonly User[] {
    return this.users;
  }

  getContexts(): readonly Context[] {
    return this.contexts;
  }

  getContextObject(name: string): Context | undefined {
    return this.contexts.find((c) => c.name === name);
  }

  getCluster(name: string): Cluster | undefined {
    return this.clusters.find((c) => c.name === name);
  }

  getUser(name: string): User | undefined {
    return this.users.find((u) => u.name === name);
  }

  /** The current context's cluster; `null` when it names none (client-node's convention). */
  getCurrentCluster(): Cluster | null {
    const context = this.getContextObject(this.currentContext);
    return (context && this.getCluster(context.cluster)) ?? null;
  }

  /** The current context's user; `null` when it names none. */
  getCurrentUser(): User | null {
    const context = this.getContextObject(this.currentContext);
    return (context && this.getUser(context.user)) ?? null;
  }
}

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(doc: Fields, list: string, field: string): { name: string; body: Fields }[] {
  const value = doc[list];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${list} is not a list`);
  return value.map((entry: unknown, i) => {
    if (!isFields(entry) || typeof entry['name'] !== 'string' || entry['name'] === '')
      throw new Error(`${list}[${i}] has no name`);
    const body = entry[field] ?? {};
    if (!isFields(body)) throw new Error(`${list}[${i}] (${entry['name']}): ${field} is not a map`);
    return { name: entry['name'], body };
  });
}

function str(body: Fields, key: string, where: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`${where}: ${key} is not a string`);
  return value;
}

function path(body: Fields, key: string, where: string, baseDir: string | undefined): string | undefined {
  const value = str(body, key, where);
  return value !== undefined && baseDir !== undefined && !isAbsolute(value) ? join(baseDir, value) : value;
}

/** kubeconfig YAML → {@link KubeConfigOptions}, with client-go's field names mapped to client-node's. */
export function parseKubeConfig(text: string, baseDir?: string): KubeConfigOptions {
  const doc: unknown = parseYaml(text);
  if (!isFields(doc)) throw new Error('not a YAML map');
  const clusters = entries(doc, 'clusters', 'cluster').map(({ name, body }): Cluster => {
    const where = `cluster ${name}`;
    const server = str(body, 'server', where);
    if (server === undefined) throw new Error(`${where} has no server`);
    const cluster: Record<string, unknown> = {
      name,
      server,
      skipTLSVerify: body['insecure-skip-tls-verify'] === true,
    };
    setIf(cluster, 'caData', str(body, 'certificate-authority-data', where));
    setIf(cluster, 'caFile', path(body, 'certificate-authority', where, baseDir));
    setIf(cluster, 'tlsServerName', str(body, 'tls-server-name', where));
    setIf(cluster, 'proxyUrl', str(body, 'proxy-url', where));
    return cluster as unknown as Cluster;
  });
  const users = entries(doc, 'users', 'user').map(({ name, body }): User => {
    const where = `user ${name}`;
    const user: Record<string, unknown> = { name };
    setIf(user, 'certData', str(body, 'client-certificate-data', where));
    setIf(user, 'certFile', path(body, 'client-certificate', where, baseDir));
    setIf(user, 'keyData', str(body, 'client-key-data', where));
    setIf(user, 'keyFile', path(body, 'client-key', where, baseDir));
    setIf(user, 'token', str(body, 'token', where));
    setIf(user, 'tokenFile', path(body, 'tokenFile', where, baseDir));
    setIf(user, 'username', str(body, 'username', where));
    setIf(user, 'password', str(body, 'password', where));
    setIf(user, 'impersonateUser', str(body, 'as', where));
    const exec = body['exec'];
    if (exec !== undefined && exec !== null) {
      if (!isFields(exec) || typeof exec['command'] !== 'string' || exec['command'] === '')
        throw new Error(`${where}: exec has no command`);
      user['exec'] = exec;
    }
    const provider = body['auth-provider'];
    if (provider !== undefined && provider !== null) {
      if (!isFields(provider) || typeof provider['name'] !== 'string')
        throw new Error(`${where}: auth-provider has no name`);
      user['authProvider'] = provider;
    }
    return user as unknown as User;
  });
  const contexts = entries(doc, 'contexts', 'context').map(({ name, body }): Context => {
    const where = `context ${name}`;
    const cluster = str(body, 'cluster', where);
    if (cluster === undefined) throw new Error(`${where} has no cluster`);
    const context: Record<string, unknown> = { name, cluster, user: str(body, 'user', where) ?? '' };
    setIf(context, 'namespace', str(body, 'namespace', where));
    return context as unknown as Context;
  });
  const current = doc['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string')
    throw new Error('current-context is not a string');
  return { clusters, users, contexts, currentContext: current ?? '' };
}

function setIf(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}
