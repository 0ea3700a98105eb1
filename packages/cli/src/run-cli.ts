import { createApiCommand } from './commands/create-api-command.js';
import { createWebhookCommand } from './commands/create-webhook-command.js';
import { envtestUseCommand } from './commands/envtest-use-command.js';
import { initCommand } from './commands/init-command.js';
import {
  commandUsage,
  flagsWithHelp,
  groupUsage,
  type Command,
  type CommandContext,
  type CommandGroup,
} from './cli/command.js';
import { parseFlags } from './cli/parse-flags.js';
import { UsageError } from './cli/usage-error.js';

const commands: readonly Command[] = [initCommand, createApiCommand, createWebhookCommand, envtestUseCommand];

const root: CommandGroup = {
  path: [],
  summary: 'Build Kubernetes operators in TypeScript',
  description: `spoke scaffolds Kubernetes operators written in TypeScript with @spoke/manager, laid out as kubebuilder
projects, and builds the control plane their tests run on.`,
};

const groups: readonly CommandGroup[] = [
  root,
  {
    path: ['create'],
    summary: 'Scaffold a Kubernetes API or its webhooks',
    description: 'Scaffold a Kubernetes API or its parts, or the webhooks of an API.',
  },
  {
    path: ['envtest'],
    summary: 'Manage the control-plane binaries of tests',
    description: 'Build or find the etcd, kube-apiserver and simulated-node binaries @spoke/envtest runs.',
  },
];

/** The verbs and groups directly below `path`, for its help. */
function childrenOf(path: readonly string[]): { name: string; summary: string }[] {
  const below = (candidate: readonly string[]): boolean =>
    candidate.length === path.length + 1 && path.every((word, i) => candidate[i] === word);
  const entries = [
    ...groups.filter((g) => below(g.path)).map((g) => ({ name: g.path.at(-1) ?? '', summary: g.summary })),
    ...commands.filter((c) => below(c.path)).map((c) => ({ name: c.path.at(-1) ?? '', summary: c.summary })),
  ];
  if (path.length === 0) entries.push({ name: 'version', summary: 'Print the spoke version' });
  return entries;
}

function groupHelp(group: CommandGroup): string {
  return `${group.description}\n\n${groupUsage(group, childrenOf(group.path))}`;
}

/**
 * Runs `spoke <args>` and resolves with the exit code: 0; 1 when the command failed (the one-line reason on
 * stderr); 2 when the command line is wrong (the reason, then the usage, as Go's flag package and cobra print it).
 */
export async function runCli(args: readonly string[], context: CommandContext): Promise<number> {
  // The longest command path that the arguments start with; flags may not come before it.
  const command = [...commands]
    .sort((a, b) => b.path.length - a.path.length)
    .find((c) => c.path.every((word, i) => args[i] === word));
  if (command === undefined) return runGroup(args, context);

  const rest = args.slice(command.path.length);
  const name = `spoke ${command.path.join(' ')}`;
  try {
    const { flags, positionals } = parseFlags(flagsWithHelp(command), rest);
    if (flags.boolean('help')) {
      context.stdout(`${command.description}\n\n${commandUsage(command)}`);
      return 0;
    }
    return await command.run(context, flags, positionals);
  } catch (error: unknown) {
    if (error instanceof UsageError) {
      context.stderr(`${name}: ${error.message}\n${commandUsage(command)}`);
      return 2;
    }
    // A failure says what is wrong in one line; a bug in spoke itself (a TypeError...) keeps its stack.
    const bug = error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
    const message =
      error instanceof Error ? (bug ? (error.stack ?? error.message) : error.message) : String(error);
    context.stderr(`${name}: ${message}\n`);
    return 1;
  }
}

/** `spoke`, `spoke create`, `spoke --help`, `spoke version`, or an unknown command. */
function runGroup(args: readonly string[], context: CommandContext): Promise<number> {
  const words = args.filter((arg) => !arg.startsWith('-'));
  if (words[0] === 'version' || (words.length === 0 && args.includes('--version'))) {
    context.stdout(`spoke ${context.version}\n`);
    return Promise.resolve(0);
  }
  // `spoke help create api` is `spoke create api --help`.
  if (words[0] === 'help') return runCli([...words.slice(1), '--help'], context);
  let group = root;
  for (const candidate of groups) {
    if (candidate.path.length > group.path.length && candidate.path.every((word, i) => words[i] === word)) {
      group = candidate;
    }
  }
  const unknown = words[group.path.length];
  const path = ['spoke', ...group.path].join(' ');
  if (unknown !== undefined) {
    context.stderr(`${path}: unknown command "${unknown}"\n${groupUsage(group, childrenOf(group.path))}`);
    return Promise.resolve(2);
  }
  const flag = args.find((arg) => arg.startsWith('-') && arg !== '--help' && arg !== '-h');
  if (flag !== undefined) {
    context.stderr(`${path}: unknown flag: ${flag}\n${groupUsage(group, childrenOf(group.path))}`);
    return Promise.resolve(2);
  }
  // `spoke create` alone, as cobra does for a command that needs a subcommand: its help, exit 0.
  context.stdout(groupHelp(group));
  return Promise.resolve(0);
}
