import {
  projectFileName,
  renderProjectFile,
  type ProjectFile,
  type ProjectResource,
} from '../../project/project-file.js';
import { conditionTs, groupVersionInfoTs, helperRoles, sampleYaml, typesTs } from './api-files.js';
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
  const existing = project.resources.find((r) => r.kind === options.kind && r.group === options.group);
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
      {
        kind: 'insert',
        path: 'config/rbac/kustomization.yaml',
        marker: yamlMarkers.rbacRoles,
        lines: ['admin', 'editor', 'viewer'].map((role) => `- ${names.singular}_${role}_role.yaml`),
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
    `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`),
  );
  steps.push({
    kind: 'rewrite',
    path: projectFileName,
    content: renderProjectFile({ ...project, resources }),
  });
  return steps;
}

/**
 * Why `options` cannot be scaffolded in `project`, or undefined: a kind that exists (in any group or version: the
 * generated classes share src/controller/, and one CRD holds one version), or `--resource=false` for a kind the
 * project does not define.
 */
export function apiConflict(project: ProjectFile, options: ApiOptions): string | undefined {
  const sameKind = project.resources.filter((r) => r.kind === options.kind);
  const exact = sameKind.find((r) => r.group === options.group && r.version === options.version);
  if (options.resource) {
    if (exact !== undefined) {
      return `the kind ${options.kind} already exists in ${options.group}/${options.version} (${exact.path ?? projectFileName})`;
    }
    const other = sameKind[0];
    if (other !== undefined) {
      return (
        `the kind ${options.kind} already exists in ${other.group}/${other.version}: a project has one kind of a name ` +
        '(another version of it needs a conversion, which spoke does not scaffold yet)'
      );
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
  if (exact.controller === true) return `the kind ${options.kind} already has a controller (src/controller/)`;
  return undefined;
}
