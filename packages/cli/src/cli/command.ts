/**
 * One flag of a command, as `--name value`, `--name=value`, or for a boolean `--name`, `--name=false`; a `strings`
 * flag is pflag's StringSlice: repeated (`--spoke v1 --spoke v2`) or comma-separated (`--spoke v1,v2`).
 */
export interface FlagSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean' | 'strings';
  /** One letter, for `-x`. */
  readonly short?: string;
  /** Shown in the usage as `--name <placeholder>`; default `string`. */
  readonly placeholder?: string;
  readonly description: string;
  /** Shown in the usage and used when the flag is absent. */
  readonly default?: string | boolean;
}

/** The parsed flags of a command line: strings, booleans, and whether each was given. */
export interface ParsedFlags {
  string(name: string): string | undefined;
  boolean(name: string): boolean;
  /** Every value of a `strings` flag, in order; empty when absent. */
  strings(name: string): readonly string[];
  /** Whether the flag was on the command line (as opposed to its default). */
  given(name: string): boolean;
}

/** Where a command reads and writes: the process's, or a test's. */
export interface CommandContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The CLI's own version, which the scaffolded projects depend on (`^version`). */
  readonly version: string;
  /** The year in the scaffolded license headers. */
  readonly now: Date;
}

/** A verb: `init`, `create api`, `envtest use`. */
export interface Command {
  /** The words after `spoke`, e.g. `['create', 'api']`. */
  readonly path: readonly string[];
  /** One line, in the parent's list of commands. */
  readonly summary: string;
  /** Paragraphs shown above the usage by `--help`. */
  readonly description: string;
  /** What follows the command's path in the usage line, e.g. `--group G --version V --kind K [flags]`. */
  readonly synopsis: string;
  readonly flags: readonly FlagSpec[];
  readonly examples?: readonly string[];
  /** Runs the command; resolves with the exit code. Throws a {@link UsageError} for a wrong command line. */
  run(context: CommandContext, flags: ParsedFlags, positionals: readonly string[]): Promise<number>;
}

/** A word that only groups verbs: `create`, `envtest`. */
export interface CommandGroup {
  readonly path: readonly string[];
  readonly summary: string;
  readonly description: string;
}

const helpFlag: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

/** The flags of a command with `--help` added, as every verb takes it. */
export function flagsWithHelp(command: Command): readonly FlagSpec[] {
  return [...command.flags, helpFlag];
}

/** `--help` text of a command, laid out as cobra's (description, usage, examples, flags). */
export function commandUsage(command: Command): string {
  const flags = flagsWithHelp(command);
  const rows = flags.map((flag) => {
    const short = flag.short === undefined ? '    ' : `-${flag.short}, `;
    const value =
      flag.type === 'boolean'
        ? ''
        : ` ${flag.placeholder ?? (flag.type === 'string' ? 'string' : 'strings')}`;
    const shown = flag.default === undefined || flag.default === '' || flag.default === false;
    const suffix = shown ? '' : ` (default ${String(flag.default)})`;
    return [`  ${short}--${flag.name}${value}`, `${flag.description}${suffix}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  const lines = [
    'Usage:',
    `  spoke ${command.path.join(' ')} ${command.synopsis}`.trimEnd(),
    ...(command.examples === undefined ? [] : ['', 'Examples:', ...command.examples.map((e) => `  ${e}`)]),
    '',
    'Flags:',
    ...rows.map(([left, right]) => `${left.padEnd(width)}${right}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `--help` text of a group: its description and the verbs below it. */
export function groupUsage(
  group: CommandGroup,
  children: readonly { name: string; summary: string }[],
): string {
  const width = Math.max(...children.map((c) => c.name.length)) + 3;
  const path = ['spoke', ...group.path].join(' ');
  return [
    'Usage:',
    `  ${path} <command> [flags]`,
    '',
    'Commands:',
    ...children.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    `Run '${path} <command> --help' for a command's flags.`,
    '',
  ].join('\n');
}
