import type { FlagDefinition, FlagDefinitions } from './flag-definition.js';

/**
 * The usage text Go's flag package prints for `-h` and after a parse error (`Usage of <program>:` and
 * `PrintDefaults`): the flags sorted by name, each as `  -name type` then its help on the next line after four
 * spaces and a tab, with `(default ...)` when the default is not the zero value.
 */
export function goFlagUsage(program: string, definitions: FlagDefinitions): string {
  const lines = [`Usage of ${program}:`];
  const names = Object.keys(definitions).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const definition = definitions[name];
    if (definition) lines.push(flagUsage(name, definition));
  }
  return `${lines.join('\n')}\n`;
}

function flagUsage(name: string, definition: FlagDefinition<unknown>): string {
  const { valueName, usage } = unquoteUsage(definition);
  let line = `  -${name}${valueName === '' ? '' : ` ${valueName}`}`;
  // Go puts the help of a one-letter boolean on the same line; every other flag's on the next.
  line += line.length <= 4 ? '\t' : '\n    \t';
  line += usage.replaceAll('\n', '\n    \t');
  if (definition.defaultText !== undefined) line += ` (default ${definition.defaultText})`;
  return line;
}

/** Go's `flag.UnquoteUsage`: a word in back quotes names the value; else the kind does (nothing for a boolean). */
function unquoteUsage(definition: FlagDefinition<unknown>): { valueName: string; usage: string } {
  const quoted = /`([^`]*)`/.exec(definition.usage);
  if (quoted) return { valueName: quoted[1] ?? '', usage: definition.usage.replace(/`([^`]*)`/, '$1') };
  return { valueName: definition.kind === 'bool' ? '' : definition.kind, usage: definition.usage };
}
