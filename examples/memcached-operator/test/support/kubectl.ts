import { spawn } from 'node:child_process';

/** What kubectl printed, and how it exited. */
export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl with `kubeconfig`; never rejects for a non-zero exit, so tests assert on it. */
export function kubectl(kubeconfig: string, args: readonly string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', [`--kubeconfig=${kubeconfig}`, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** kubectl that must succeed; resolves with its stdout. */
export async function kubectlOk(
  kubeconfig: string,
  args: readonly string[],
  input?: string,
): Promise<string> {
  const result = await kubectl(kubeconfig, args, input);
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** The object etcd holds for `key` (e.g. `/registry/cache.spoke.dev/memcacheds/default/web`), read over etcd's v3 JSON gateway. */
export async function readFromEtcd(
  etcdUrl: string,
  key: string,
): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${etcdUrl}/v3/kv/range`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: Buffer.from(key).toString('base64') }),
  });
  if (!response.ok) throw new Error(`etcd range ${key}: HTTP ${response.status}`);
  const body = (await response.json()) as { kvs?: { value: string }[] };
  const value = body.kvs?.[0]?.value;
  return value === undefined
    ? undefined
    : (JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>);
}
