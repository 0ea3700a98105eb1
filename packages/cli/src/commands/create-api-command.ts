import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../cli/command.js';
import { UsageError } from '../cli/usage-error.js';
import {
  apiVersionProblem,
  dnsSubdomainProblem,
  kebabCase,
  kindProblem,
  pluralOf,
  pluralProblem,
} from '../project/names.js';
import { readProjectFile } from '../project/project-file.js';
import { formatWithPrettier } from '../scaffold/format-with-prettier.js';
import { applyScaffold, ScaffoldConflictError } from '../scaffold/apply-scaffold.js';
import { apiConflict, scaffoldApi, type ApiOptions } from '../templates/api/scaffold-api.js';
import { boilerplatePath } from '../templates/project/scaffold-project.js';

/** `spoke create api`: a kind and/or its controller in the project of the current directory. */
export const createApiCommand: Command = {
  path: ['create', 'api'],
  summary: 'Scaffold a Kubernetes API: its types and CRD, a sample, and a controller with a test',
  description: `Scaffold a Kubernetes API in the project of the current directory.

With --resource (the default): the typed API in src/api/<group>/<version>/<kind>-types.ts (a TypeBox schema:
\`make manifests\` writes the CRD from it), a sample in config/samples, and admin/editor/viewer roles. Another
version of a kind of the project joins its CRD: src/api/<group>/<kind>-versions.ts lists the versions and which
one is stored (the first); convert between them with \`spoke create webhook --conversion\`.
With --controller (the default): a controller in src/controller/ that reports the object Available for its
generation, registered in src/controller/index.ts (the list main.ts runs and \`make manifests\` derives RBAC
from), and an envtest test of it in test/controller/. Everything is checked before anything is written; an
existing file is never overwritten.`,
  synopsis: '--group GROUP --version VERSION --kind KIND [flags]',
  examples: [
    '# A namespaced Frigate kind in ship.<domain>/v1beta1, with a controller',
    'spoke create api --group ship --version v1beta1 --kind Frigate',
    '# Only the API now; its controller later',
    'spoke create api --group ship --version v1beta1 --kind Frigate --controller=false',
    'spoke create api --group ship --version v1beta1 --kind Frigate --resource=false',
    '# A second version of Frigate, served from the same CRD (its controller reconciles the first)',
    'spoke create api --group ship --version v1 --kind Frigate --controller=false',
  ],
  flags: [
    {
      name: 'group',
      type: 'string',
      placeholder: 'group',
      description: 'the API group without the domain, an RFC 1123 subdomain, e.g. ship (required)',
    },
    {
      name: 'version',
      type: 'string',
      placeholder: 'version',
      description: 'the API version: v1, v1alpha1, v2beta3... (required)',
    },
    {
      name: 'kind',
      type: 'string',
      placeholder: 'kind',
      description: 'the kind, in CamelCase, e.g. Frigate (required)',
    },
    {
      name: 'plural',
      type: 'string',
      placeholder: 'plural',
      description: "the resource's plural (default: the kind in lower case, pluralized: frigates)",
    },
    { name: 'namespaced', type: 'boolean', description: 'objects live in a namespace', default: true },
    {
      name: 'resource',
      type: 'boolean',
      description: 'scaffold the API: types, CRD source, sample',
      default: true,
    },
    {
      name: 'controller',
      type: 'boolean',
      description: 'scaffold the controller and its test',
      default: true,
    },
  ],
  async run(context, flags, positionals) {
    if (positionals.length > 0) {
      throw new UsageError(`create api takes no arguments, got "${positionals.join(' ')}"`);
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
    const checks: [string, string, string | undefined][] = [
      ['group', group, dnsSubdomainProblem(group)],
      ['version', version, apiVersionProblem(version)],
      ['kind', kind, kindProblem(kind)],
    ];
    const plural = flags.string('plural') ?? pluralOf(kind);
    if (flags.given('plural')) checks.push(['plural', plural, pluralProblem(plural)]);
    for (const [flag, value, problem] of checks) {
      if (problem !== undefined) throw new UsageError(`invalid --${flag} "${value}": ${problem}`);
    }
    if (!flags.boolean('resource') && !flags.boolean('controller')) {
      throw new UsageError('nothing to scaffold: --resource=false and --controller=false');
    }

    const project = readProjectFile(context.cwd);
    // Another version of a kind of the project shares its CRD: its plural and scope, unless given.
    const sibling = project.resources.find(
      (r) => r.group === group && r.kind === kind && r.api !== undefined,
    );
    const options: ApiOptions = {
      group,
      version,
      kind,
      plural: flags.given('plural') ? plural : (sibling?.plural ?? plural),
      namespaced: flags.given('namespaced')
        ? flags.boolean('namespaced')
        : (sibling?.api?.namespaced ?? flags.boolean('namespaced')),
      resource: flags.boolean('resource'),
      controller: flags.boolean('controller'),
    };
    const fullGroupProblem = dnsSubdomainProblem(`${group}.${project.domain}`);
    if (fullGroupProblem !== undefined) {
      throw new UsageError(
        `invalid --group "${group}": the API group ${group}.${project.domain} ${fullGroupProblem}`,
      );
    }
    const conflict = apiConflict(project, options);
    if (conflict !== undefined) throw new ScaffoldConflictError([conflict]);
    const steps = scaffoldApi(project, options, readBoilerplate(context.cwd));
    const result = await applyScaffold(context.cwd, steps, formatWithPrettier(context.cwd));
    const lines = [
      ...result.created.map((path) => `  created ${path}`),
      ...result.updated.map((path) => `  updated ${path}`),
    ];
    // A kind that converts already: its conversion must cover the new version too, or make manifests refuses.
    const hub = options.resource
      ? project.resources.find((r) => r.group === group && r.kind === kind && r.webhooks?.conversion === true)
      : undefined;
    const conversion =
      hub === undefined
        ? ''
        : `Note: ${kind} ${hub.version} converts ${(hub.webhooks?.spoke ?? []).join(', ')}; convert ${version} too ` +
          `(a SpokeConversion in src/api/${group}/${version}/, in the spokes of ` +
          `src/webhook/${group}/${hub.version}/${kebabCase(kind)}-webhook.ts), or make manifests refuses the CRD.\n`;
    context.stdout(
      `${lines.join('\n')}\nNext: edit the types, then regenerate the manifests and run the tests:\n` +
        `  make manifests\n  make test\n${conversion}`,
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
