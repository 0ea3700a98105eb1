import {
  projectFileName,
  renderProjectFile,
  type ProjectFile,
  type ProjectResource,
} from '../../project/project-file.js';
import {
  conditionTs,
  groupVersionInfoTs,
  helperRoles,
  sampleYaml,
  typesTs,
  versionEntry,
  versionImport,
  versionsMarker,
  versionsPath,
  versionsTs,
} from './api-files.js';
import { controllerTestTs, controllerTs } from './controller-files.js';
import { yamlMarkers } from '../project/config-files.js';
import { markers } from '../project/source-files.js';
import { apiNames } from '../../scaffold/scaffold-context.js';
import type { ScaffoldStep } from '../../scaffold/scaffold-step.js';

/** What `spoke create api` was asked for, checked. */
export interface ApiOptions {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** Scaffold the API (types, CRD, sample); false to add a controller to an API created earlier without one. */
  readonly resource: boolean;
  readonly controller: boolean;
}

/**
 * The steps of `spoke create api` on `project`: the API's files and registrations (with `resource`), the
 * controller and its test and registration (with `controller`), and the updated PROJECT file. Pure: the caller
 * checks the options against the project first ({@link apiConflict}) and applies the steps.
 */
export function scaffoldApi(project: ProjectFile, options: ApiOptions, header: string): ScaffoldStep[] {
  const sameKind = project.resources.filter((r) => r.kind === options.kind && r.group === options.group);
  const existing = sameKind.find((r) => r.version === options.version);
  // Another version of a kind of the project: the same CRD, one more version in it.
  const otherVersions = sameKind.filter((r) => r.version !== options.version && r.api !== undefined);
  const addsVersion = options.resource && otherVersions.length > 0;
  const api = options.resource
    ? { crdVersion: 'v1' as const, namespaced: options.namespaced }
    : existing?.api;
  const base: ProjectResource = {
    domain: project.domain,
    group: options.group,
    version: options.version,
    kind: options.kind,
    plural: existing?.plural ?? options.plural,
    ...(api === undefined ? {} : { api }),
    ...(options.controller || existing?.controller === true ? { controller: true } : {}),
    ...(existing?.webhooks === undefined ? {} : { webhooks: existing.webhooks }),
  };
  const names = apiNames(project, base);
  const resource: ProjectResource = {
    ...base,
    path: existing?.path ?? `${names.apiDir}/${names.file}-types.ts`,
  };
  const steps: ScaffoldStep[] = [];

  if (options.resource) {
    steps.push(
      conditionTs(header),
      groupVersionInfoTs(names, header),
      typesTs(names, header),
      sampleYaml(names),
    );
    if (addsVersion) {
      const [first] = otherVersions;
      const versionsModule = `./api/${options.group}/${names.file}-versions.js`;
      steps.push(
        otherVersions.length === 1 && first !== undefined
          ? versionsTs(names, first.version, [first.version, options.version], header)
          : {
              kind: 'insert',
              path: versionsPath(names),
              marker: markers.imports,
              lines: [versionImport(names, options.version)],
            },
        ...(otherVersions.length === 1
          ? []
          : [
              {
                kind: 'insert' as const,
                path: versionsPath(names),
                marker: versionsMarker,
                lines: [versionEntry(options.version)],
              },
            ]),
        {
          kind: 'replace-line',
          path: 'src/manifest-sources.ts',
          from: `import { ${names.variable}CustomResource } from './api/${options.group}/${first?.version ?? ''}/${names.file}-types.js';`,
          to: `import { ${names.variable}CustomResource } from '${versionsModule}';`,
        },
      );
    } else {
      steps.push(
        ...helperRoles(names),
        {
          kind: 'insert',
          path: 'src/manifest-sources.ts',
          marker: markers.imports,
          lines: [
            `import { ${names.variable}CustomResource } from './api/${options.group}/${options.version}/${names.file}-types.js';`,
          ],
        },
        {
          kind: 'insert',
          path: 'src/manifest-sources.ts',
          marker: markers.customResources,
          lines: [`${names.variable}CustomResource,`],
        },
        {
          kind: 'insert',
          path: 'config/rbac/kustomization.yaml',
          marker: yamlMarkers.rbacRoles,
          lines: ['admin', 'editor', 'viewer'].map((role) => `- ${names.singular}_${role}_role.yaml`),
        },
      );
    }
    steps.push(
      {
        kind: 'insert',
        path: 'config/crd/kustomization.yaml',
        marker: yamlMarkers.crdResources,
        lines: [`- bases/${names.group}_${names.plural}.yaml`],
      },
      {
        kind: 'insert',
        path: 'config/samples/kustomization.yaml',
        marker: yamlMarkers.samples,
        lines: [`- ${options.group}_${options.version}_${names.singular}.yaml`],
      },
    );
  }
  if (options.controller) {
    steps.push(
      controllerTs(names, header),
      controllerTestTs(names, header),
      {
        kind: 'insert',
        path: 'src/controller/index.ts',
        marker: markers.imports,
        lines: [`import { ${names.kind}Controller } from './${names.file}-controller.js';`],
      },
      {
        kind: 'insert',
        path: 'src/controller/index.ts',
        marker: markers.controllers,
        lines: [`${names.kind}Controller,`],
      },
    );
  }
  const others = project.resources.filter((r) => r !== existing);
  const resources = [...others, resource].sort((a, b) =>
    `${a.group}/${a.kind}/${a.version}`.localeCompare(`${b.group}/${b.kind}/${b.version}`),
  );
  steps.push({
    kind: 'rewrite',
    path: projectFileName,
    content: renderProjectFile({ ...project, resources }),
  });
  return steps;
}

/**
 * Why `options` cannot be scaffolded in `project`, or undefined: a kind that exists in this version, or in another
 * group (the generated classes share src/controller/); another version of a kind with a controller, unless with
 * `--controller=false` (one controller reconciles every version), or with another plural or scope (one CRD holds
 * every version); `--resource=false` for a kind the project does not define.
 */
export function apiConflict(project: ProjectFile, options: ApiOptions): string | undefined {
  const sameKind = project.resources.filter((r) => r.kind === options.kind);
  const exact = sameKind.find((r) => r.group === options.group && r.version === options.version);
  if (options.resource) {
    if (exact !== undefined) {
      return `the kind ${options.kind} already exists in ${options.group}/${options.version} (${exact.path ?? projectFileName})`;
    }
    const otherGroup = sameKind.find((r) => r.group !== options.group);
    if (otherGroup !== undefined) {
      return (
        `the kind ${options.kind} already exists in ${otherGroup.group}/${otherGroup.version}: a project has one kind ` +
        'of a name (another version of it goes in the same group)'
      );
    }
    const other = sameKind.find((r) => r.api !== undefined);
    if (other !== undefined) {
      const scope = (namespaced: boolean): string => (namespaced ? 'namespaced' : 'cluster-scoped');
      if (other.plural !== options.plural) {
        return `${options.kind} ${other.version} has the plural ${other.plural}: every version of a kind shares its CRD's names`;
      }
      if ((other.api?.namespaced ?? true) !== options.namespaced) {
        return `${options.kind} ${other.version} is ${scope(other.api?.namespaced ?? true)}: every version of a kind has its CRD's scope`;
      }
      const controlled = sameKind.find((r) => r.controller === true);
      if (options.controller && controlled !== undefined) {
        return (
          `${options.kind} has a controller (src/controller/), which reconciles it in every version: add ` +
          `${options.version} with --controller=false`
        );
      }
      return undefined;
    }
    const plural = project.resources.find((r) => r.group === options.group && r.plural === options.plural);
    if (plural !== undefined)
      return `the plural ${options.plural} is already the kind ${plural.kind}'s in ${options.group}`;
    return undefined;
  }
  if (exact?.api === undefined) {
    return (
      `--resource=false adds a controller to an API of this project, and ${options.group}/${options.version} ` +
      `${options.kind} is not one: create it with --resource (the default)`
    );
  }
  if (sameKind.some((r) => r.controller === true)) {
    return `the kind ${options.kind} already has a controller (src/controller/)`;
  }
  return undefined;
}
