import { readFileSync } from 'node:fs';

const dockerfile = new URL('../../../Dockerfile', import.meta.url);

/**
 * The Node flags the manager image starts with, read from the Dockerfile's ENTRYPOINT (`["/nodejs/bin/node", flags...,
 * script]`), so the processes tests and benchmarks start run as the shipped manager does and cannot drift from it.
 */
export function imageNodeFlags(): string[] {
  const line = readFileSync(dockerfile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ENTRYPOINT '));
  if (line === undefined) throw new Error(`${dockerfile.pathname} has no ENTRYPOINT`);
  const entrypoint = JSON.parse(line.slice('ENTRYPOINT '.length)) as unknown;
  if (
    !Array.isArray(entrypoint) ||
    !entrypoint.every((a) => typeof a === 'string') ||
    entrypoint.length < 2
  ) {
    throw new Error(`${dockerfile.pathname}: ENTRYPOINT is not an exec-form list of strings: ${line}`);
  }
  return entrypoint.slice(1, -1).filter((a) => a.startsWith('--'));
}
