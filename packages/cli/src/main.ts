#!/usr/bin/env node
// The `spoke` command: `spoke init`, `spoke create api`, `spoke envtest use`. See `spoke --help`.
import { readFileSync } from 'node:fs';
import { runCli } from './run-cli.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  version,
  now: new Date(),
});
process.exitCode = code;
