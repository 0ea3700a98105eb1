import {
  projectFileName,
  renderProjectFile,
  type ProjectFile,
  type ProjectResource,
  type ProjectWebhooks,
} from '../../project/project-file.js';
import { apiNames } from '../../scaffold/scaffold-context.js';
import type { ScaffoldStep } from '../../scaffold/scaffold-step.js';
import { markers } from '../project/source-files.js';
import { webhookSections, type WebhookSection } from '../project/webhook-sections.js';
import { crdKustomizeConfig, webhookConfigFiles, webhookManifestsMarker } from './webhook-config-files.js';
import {
  conversionTs,
  webhookPath,
  webhookTestTs,
  webhookTs,
  webhookVariable,
  type WebhookKinds,
} from './webhook-files.js';

/** What `spoke create webhook` was asked for, checked. */
export interface WebhookOptions {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** A mutating webhook: kubebuilder's `--defaulting`. */
  readonly defaulting: boolean;
  /** A validating webhook: kubebuilder's `--programmatic-validation`. */
  readonly validation: boolean;
  /** With `--conversion`, this version is the hub and these convert to and from it (`--spoke`). */
  readonly spokes: readonly string[];
}

/** The kustomization whose commented [WEBHOOK] and [CERTMANAGER] sections the scaffold enables. */
export const defaultKustomization = 'config/default/kustomization.yaml';

/**
 * The steps of `spoke create webhook` on `project`: the webhook file (and a conversion per spoke), its test, its
 * entry in src/webhook/index.ts, config/webhook and config/certmanager, the sections of config/default that deploy
 * them, and the updated PROJECT file. Pure: the caller checks the options first ({@link webhookConflict}).
 */
export function scaffoldWebhook(
  project: ProjectFile,
  options: WebhookOptions,
  header: string,
): ScaffoldStep[] {
  const find = (version: string): ProjectResource | undefined =>
    project.resources.find(
      (r) => r.group === options.group && r.version === version && r.kind === options.kind,
    );
  const hub = find(options.version);
  if (hub === undefined)
    throw new Error(`scaffoldWebhook: ${options.kind} ${options.version} is not in PROJECT`);
  const names = apiNames(project, hub);
  const spokes = options.spokes.map((version) => {
    const spoke = find(version);
    if (spoke === undefined) throw new Error(`scaffoldWebhook: ${options.kind} ${version} is not in PROJECT`);
    return apiNames(project, spoke);
  });
  const kinds: WebhookKinds = { defaulting: options.defaulting, validation: options.validation, spokes };
  const sections: WebhookSection[] = [
    webhookSections.resources,
    webhookSections.patch,
    webhookSections.certificateNames,
    ...(options.validation ? [webhookSections.validatingCa] : []),
    ...(options.defaulting ? [webhookSections.mutatingCa] : []),
    ...(spokes.length > 0 ? [webhookSections.conversionCa] : []),
  ];
  const module = `./${options.group}/${options.version}/${names.file}-webhook.js`;
  const steps: ScaffoldStep[] = [
    webhookTs(names, kinds, header),
    webhookTestTs(names, kinds, header),
    ...spokes.map((spoke) => conversionTs(names, spoke, header)),
    {
      kind: 'insert',
      path: 'src/webhook/index.ts',
      marker: markers.imports,
      lines: [`import { ${webhookVariable(names)} } from '${module}';`],
    },
    {
      kind: 'insert',
      path: 'src/webhook/index.ts',
      marker: markers.webhooks,
      lines: [`${webhookVariable(names)},`],
    },
    ...webhookConfigFiles(project),
    ...(options.defaulting || options.validation
      ? [
          {
            kind: 'insert' as const,
            path: 'config/webhook/kustomization.yaml',
            marker: webhookManifestsMarker,
            lines: ['- manifests.yaml'],
          },
        ]
      : []),
    ...sections.map((section) => ({
      kind: 'uncomment' as const,
      path: defaultKustomization,
      block: section.block,
      what: section.what,
    })),
    ...(spokes.length > 0
      ? [
          crdKustomizeConfig(),
          {
            kind: 'uncomment' as const,
            path: 'config/crd/kustomization.yaml',
            block: webhookSections.crdConfigurations.block,
            what: webhookSections.crdConfigurations.what,
          },
        ]
      : []),
  ];
  const webhooks: ProjectWebhooks = {
    ...(options.defaulting ? { defaulting: true } : {}),
    ...(options.validation ? { validation: true } : {}),
    ...(spokes.length > 0 ? { conversion: true, spoke: [...options.spokes] } : {}),
    webhookVersion: 'v1',
  };
  const resources = project.resources.map((r) => (r === hub ? { ...r, webhooks } : r));
  steps.push({
    kind: 'rewrite',
    path: projectFileName,
    content: renderProjectFile({ ...project, resources }),
  });
  return steps;
}

/**
 * Why `options` cannot be scaffolded in `project`, or undefined: the kind is not an API of the project, it has
 * webhooks in this version already, a spoke is not a version of it, or another version is its hub already.
 */
export function webhookConflict(project: ProjectFile, options: WebhookOptions): string | undefined {
  const sameKind = project.resources.filter((r) => r.group === options.group && r.kind === options.kind);
  const create = (version: string): string =>
    `spoke create api --group ${options.group} --version ${version} --kind ${options.kind}`;
  const hub = sameKind.find((r) => r.version === options.version);
  if (hub?.api === undefined) {
    return (
      `create webhook scaffolds the webhooks of an API of this project, and ${options.group}/${options.version} ` +
      `${options.kind} is not one: create it first (${create(options.version)})`
    );
  }
  if (hub.webhooks !== undefined) {
    const names = apiNames(project, hub);
    return (
      `${options.kind} ${options.version} has webhooks already (${webhookPath(names)}): add a defaulter, a ` +
      'validator or a conversion to that file by hand, its declaration shows where'
    );
  }
  if (options.spokes.length > 0) {
    const otherHub = sameKind.find((r) => r.webhooks?.conversion === true);
    if (otherHub !== undefined) {
      return `${options.kind} ${otherHub.version} is the hub of its conversion already: a kind has one hub`;
    }
  }
  for (const version of options.spokes) {
    if (version === options.version) {
      return `--spoke ${version} is the hub itself (--version): the spokes are the other versions`;
    }
    if (sameKind.find((r) => r.version === version)?.api === undefined) {
      return (
        `--spoke ${version}: ${options.kind} has no version ${version} in this project; a spoke must exist as an ` +
        `API first (${create(version)} --controller=false)`
      );
    }
  }
  const others = sameKind.filter((r) => r.api !== undefined && r.version !== options.version);
  const unconverted = others.map((r) => r.version).filter((version) => !options.spokes.includes(version));
  if (options.spokes.length > 0 && unconverted.length > 0) {
    return (
      `the conversion converts every version of the ${options.kind} CRD: add --spoke ${unconverted.join(',')} ` +
      `(or remove ${unconverted.length === 1 ? 'that version' : 'those versions'} first)`
    );
  }
  return undefined;
}
