import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../cli/command.js';
import { UsageError } from '../cli/usage-error.js';
import { apiVersionProblem, dnsSubdomainProblem, kindProblem } from '../project/names.js';
import { readProjectFile } from '../project/project-file.js';
import { formatWithPrettier } from '../scaffold/format-with-prettier.js';
import { applyScaffold, ScaffoldConflictError } from '../scaffold/apply-scaffold.js';
import { boilerplatePath } from '../templates/project/scaffold-project.js';
import {
  scaffoldWebhook,
  webhookConflict,
  type WebhookOptions,
} from '../templates/webhook/scaffold-webhook.js';

/** `spoke create webhook`: a kind's defaulting, validating and conversion webhooks. */
export const createWebhookCommand: Command = {
  path: ['create', 'webhook'],
  summary: 'Scaffold the defaulting, validating and conversion webhooks of an API, with a test',
  description: `Scaffold webhooks for an API of the project in the current directory (create it first with create api).

--defaulting (a mutating webhook) and --programmatic-validation (a validating one) write a defaulter and a
validator with an example rule in src/webhook/<group>/<version>/<kind>-webhook.ts; --conversion with --spoke
<version> makes --version the hub that every spoke converts to and from, in
src/api/<group>/<spoke>/<kind>-conversion.ts. The declaration is added to src/webhook/index.ts (the list main.ts
serves and \`make manifests\` writes config/webhook/manifests.yaml from), config/webhook and config/certmanager are
written, and the [WEBHOOK] and [CERTMANAGER] sections of config/default/kustomization.yaml are uncommented. An
envtest test in test/webhook/ proves through a real API server that the webhooks are called. Everything is checked
before anything is written; an existing file is never overwritten, so there is no --force.`,
  synopsis:
    '--group GROUP --version VERSION --kind KIND [--defaulting] [--programmatic-validation] [--conversion --spoke VERSION]',
  examples: [
    '# A defaulter and a validator for the Frigate kind of ship.<domain>/v1beta1',
    'spoke create webhook --group ship --version v1beta1 --kind Frigate --defaulting --programmatic-validation',
    '# v1 is the hub; v1beta1 (an API of the project) converts to and from it',
    'spoke create webhook --group ship --version v1 --kind Frigate --conversion --spoke v1beta1',
  ],
  flags: [
    {
      name: 'group',
      type: 'string',
      placeholder: 'group',
      description: 'the API group without the domain, as given to create api (required)',
    },
    { name: 'version', type: 'string', placeholder: 'version', description: 'the API version (required)' },
    { name: 'kind', type: 'string', placeholder: 'kind', description: 'the kind, in CamelCase (required)' },
    {
      name: 'defaulting',
      type: 'boolean',
      description: 'a defaulting (mutating) webhook: a CustomDefaulter',
    },
    {
      name: 'programmatic-validation',
      type: 'boolean',
      description: 'a validating webhook: a CustomValidator',
    },
    {
      name: 'conversion',
      type: 'boolean',
      description: 'a conversion webhook: --version is the hub, each --spoke converts to and from it',
    },
    {
      name: 'spoke',
      type: 'strings',
      placeholder: 'version',
      description: 'with --conversion: a version that converts to and from the hub (repeat, or v1,v2)',
    },
  ],
  async run(context, flags, positionals) {
    if (positionals.length > 0) {
      throw new UsageError(`create webhook takes no arguments, got "${positionals.join(' ')}"`);
    }
    const required = (name: string, example: string): string => {
      const value = flags.string(name);
      if (value === undefined || value === '')
        throw new UsageError(`--${name} is required, e.g. --${name} ${example}`);
      return value;
    };
    const group = required('group', 'ship');
    const version = required('version', 'v1');
    const kind = required('kind', 'Frigate');
    const spokes = flags.strings('spoke');
    const checks: [string, string, string | undefined][] = [
      ['group', group, dnsSubdomainProblem(group)],
      ['version', version, apiVersionProblem(version)],
      ['kind', kind, kindProblem(kind)],
      ...spokes.map((spoke): [string, string, string | undefined] => [
        'spoke',
        spoke,
        apiVersionProblem(spoke),
      ]),
    ];
    for (const [flag, value, problem] of checks) {
      if (problem !== undefined) throw new UsageError(`invalid --${flag} "${value}": ${problem}`);
    }
    const conversion = flags.boolean('conversion');
    if (conversion && spokes.length === 0) {
      throw new UsageError(
        '--conversion needs the versions that convert to and from the hub: --spoke <version>',
      );
    }
    if (!conversion && spokes.length > 0) {
      throw new UsageError(`--spoke ${spokes.join(',')} needs --conversion`);
    }
    const duplicate = spokes.find((spoke, i) => spokes.indexOf(spoke) !== i);
    if (duplicate !== undefined) throw new UsageError(`--spoke ${duplicate} is given twice`);
    const options: WebhookOptions = {
      group,
      version,
      kind,
      defaulting: flags.boolean('defaulting'),
      validation: flags.boolean('programmatic-validation'),
      spokes,
    };
    if (!options.defaulting && !options.validation && !conversion) {
      throw new UsageError(
        'nothing to scaffold: give at least one of --defaulting, --programmatic-validation and --conversion',
      );
    }

    const project = readProjectFile(context.cwd);
    const conflict = webhookConflict(project, options);
    if (conflict !== undefined) throw new ScaffoldConflictError([conflict]);
    const steps = scaffoldWebhook(project, options, readBoilerplate(context.cwd));
    const result = await applyScaffold(context.cwd, steps, formatWithPrettier(context.cwd));
    const lines = [
      ...result.created.map((path) => `  created ${path}`),
      ...result.updated.map((path) => `  updated ${path}`),
    ];
    context.stdout(
      `${lines.join('\n')}\nNext: edit the webhooks' rules, then regenerate the manifests (config/webhook/manifests.yaml) ` +
        'and run the tests:\n  make manifests\n  make test\n',
    );
    return 0;
  },
};

/** The user's license header (`hack/boilerplate.ts.txt`), or none. */
function readBoilerplate(dir: string): string {
  try {
    return readFileSync(join(dir, boilerplatePath), 'utf8');
  } catch {
    return '';
  }
}
