import type { ApiNames } from '../../scaffold/scaffold-context.js';
import type { NewFile } from '../../scaffold/scaffold-step.js';
import { markers, tsFile } from '../project/source-files.js';

/** src/api/condition.ts: metav1.Condition's schema, shared by every kind's status (kept when it exists). */
export function conditionTs(header: string): NewFile {
  return {
    ...tsFile(
      'src/api/condition.ts',
      header,
      `import { Type } from '@sinclair/typebox';

/**
 * A status condition as metav1.Condition defines it (the same schema controller-gen writes for
 * \`[]metav1.Condition\`), so that \`kubectl wait --for=condition=Available\` and \`setStatusCondition\` (from
 * \`@spoke/manager\`) work on it.
 */
export const ConditionSchema = Type.Object({
  type: Type.String({
    maxLength: 316,
    pattern:
      '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    description: 'The type of condition in CamelCase, e.g. Available.',
  }),
  status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')], {
    description: 'The status of the condition: True, False or Unknown.',
  }),
  observedGeneration: Type.Optional(
    Type.Integer({ minimum: 0, description: 'The .metadata.generation the condition was set from.' }),
  ),
  lastTransitionTime: Type.String({
    format: 'date-time',
    description: 'The last time the condition changed from one status to another.',
  }),
  reason: Type.String({
    minLength: 1,
    maxLength: 1024,
    pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    description: "A programmatic identifier of the condition's last transition, in CamelCase.",
  }),
  message: Type.String({ maxLength: 32768, description: 'A human-readable message about the transition.' }),
});
`,
    ),
    ifExists: 'skip',
  };
}

/** src/api/<group>/<version>/groupversion-info.ts: the group and version (kept when it exists). */
export function groupVersionInfoTs(names: ApiNames, header: string): NewFile {
  return {
    ...tsFile(
      `${names.apiDir}/groupversion-info.ts`,
      header,
      `/** The API group and version of the kinds in this folder (kubebuilder's groupversion_info.go). */
export const GroupVersion = { group: '${names.group}', version: '${names.resource.version}' } as const;
`,
    ),
    ifExists: 'skip',
  };
}

/** src/api/<group>/<version>/<kind>-types.ts: the schema make manifests reads, the types, and the kind. */
export function typesTs(names: ApiNames, header: string): NewFile {
  const { kind, variable } = names;
  const scope = names.namespaced ? 'Namespaced' : 'Cluster';
  return tsFile(
    `${names.apiDir}/${names.file}-types.ts`,
    header,
    `import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import { Type, type Static } from '@sinclair/typebox';
import { defineKind } from '@spoke/manager';
import type { CustomResourceSource } from '@spoke/manifests';
import { ConditionSchema } from '../../condition.js';
import { GroupVersion } from './groupversion-info.js';

// EDIT THIS FILE!  THIS IS SCAFFOLDING FOR YOU TO OWN!
// The schemas below are the CRD's: run \`make manifests\` after editing them. Each field's options (bounds,
// patterns, enums, defaults, descriptions, x-kubernetes-validations CEL rules) become the API server's validation.

/** ${kind}Spec defines the desired state of ${kind}. */
export const ${kind}SpecSchema = Type.Object(
  {
    // TODO(user): the fields a user sets.
    foo: Type.Optional(
      Type.String({
        description: 'foo is an example field of ${kind}. Edit ${names.file}-types.ts to remove or update it.',
      }),
    ),
  },
  { description: 'The desired state of ${kind}.' },
);
export type ${kind}Spec = Static<typeof ${kind}SpecSchema>;

/** ${kind}Status defines the observed state of ${kind}: written by its controller only. */
export const ${kind}StatusSchema = Type.Object(
  {
    // TODO(user): the fields the controller reports.
    observedGeneration: Type.Optional(
      Type.Integer({ minimum: 0, description: 'The .metadata.generation this status describes.' }),
    ),
    conditions: Type.Optional(
      Type.Array(ConditionSchema, {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        description: 'The latest observations of the ${kind}: Available when it is reconciled.',
      }),
    ),
  },
  { description: 'The observed state of ${kind}.' },
);
export type ${kind}Status = Static<typeof ${kind}StatusSchema>;

/** The whole object: the CRD's openAPIV3Schema. */
export const ${kind}Schema = Type.Object(
  {
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Object({})),
    spec: Type.Optional(${kind}SpecSchema),
    status: Type.Optional(${kind}StatusSchema),
  },
  { description: '${kind} is the Schema for the ${names.plural} API.' },
);

/** A ${kind} as read from and written to the API. */
export interface ${kind} extends KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: ${kind}Spec;
  status?: ${kind}Status;
}

/** What the CRD says besides the schema; \`make manifests\` writes config/crd/bases/${names.group}_${names.plural}.yaml. */
export const ${variable}CustomResource: CustomResourceSource = {
  group: GroupVersion.group,
  version: GroupVersion.version,
  kind: '${kind}',
  plural: '${names.plural}',
  singular: '${names.singular}',
  scope: '${scope}',
  schema: ${kind}Schema,
  printerColumns: [
    { name: 'Available', type: 'string', jsonPath: '.status.conditions[?(@.type=="Available")].status' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
  subresources: { status: true },
};

/** The ${kind} kind, for the client, watches and RBAC; derived from the CRD description so the two cannot differ. */
export const ${kind}Kind = defineKind<${kind}>({
  group: ${variable}CustomResource.group,
  version: ${variable}CustomResource.version,
  kind: ${variable}CustomResource.kind,
  plural: ${variable}CustomResource.plural,
  namespaced: ${variable}CustomResource.scope === 'Namespaced',
});
`,
  );
}

/** config/samples/<group>_<version>_<kind>.yaml: an object to apply. */
export function sampleYaml(names: ApiNames): NewFile {
  const name = names.project.projectName;
  return {
    kind: 'new',
    path: `config/samples/${names.resource.group}_${names.resource.version}_${names.singular}.yaml`,
    ifExists: 'refuse',
    content: `apiVersion: ${names.apiVersion}
kind: ${names.kind}
metadata:
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/managed-by: kustomize
  name: ${names.file}-sample
spec:
  # TODO(user): Add fields here
  foo: bar
`,
  };
}

/** config/rbac/<kind>_{admin,editor,viewer}_role.yaml: kubebuilder's helper roles for the cluster admin. */
export function helperRoles(names: ApiNames): NewFile[] {
  const name = names.project.projectName;
  const roles = [
    {
      role: 'admin',
      intro: `# Grants full permissions ('*') over ${names.group}.
# This role is intended for users authorized to modify roles and bindings within the cluster,
# enabling them to delegate specific permissions to other users or groups as needed.`,
      verbs: ["'*'"],
    },
    {
      role: 'editor',
      intro: `# Grants permissions to create, update, and delete resources within the ${names.group}.
# This role is intended for users who need to manage these resources
# but should not control RBAC or manage permissions for others.`,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    },
    {
      role: 'viewer',
      intro: `# Grants read-only access to ${names.group} resources.
# This role is intended for users who need visibility into these resources
# without permissions to modify them. It is ideal for monitoring purposes and limited-access viewing.`,
      verbs: ['get', 'list', 'watch'],
    },
  ];
  return roles.map(({ role, intro, verbs }) => ({
    kind: 'new',
    path: `config/rbac/${names.singular}_${role}_role.yaml`,
    ifExists: 'refuse',
    content: `# This rule is not used by the project ${name} itself.
# It is provided to allow the cluster admin to help manage permissions for users.
#
${intro}

apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/managed-by: kustomize
  name: ${names.singular}-${role}-role
rules:
- apiGroups:
  - ${names.group}
  resources:
  - ${names.plural}
  verbs:
${verbs.map((verb) => `  - ${verb}`).join('\n')}
- apiGroups:
  - ${names.group}
  resources:
  - ${names.plural}/status
  verbs:
  - get
`,
  }));
}

/** `src/api/<group>/<kind>-versions.ts`: the kind's CRD over all its versions, once it has two. */
export function versionsPath(names: ApiNames): string {
  return `src/api/${names.resource.group}/${names.file}-versions.ts`;
}

/** Where `create api` adds a version to a kind's versions file. */
export const versionsMarker = '// +spoke:scaffold:versions';

/** The import alias of a version's CRD source in the versions file: `v1beta1`. */
function versionAlias(version: string): string {
  return version;
}

/** The line of the versions file that imports `version`'s CRD source. */
export function versionImport(names: ApiNames, version: string): string {
  return `import { ${names.variable}CustomResource as ${versionAlias(version)} } from './${version}/${names.file}-types.js';`;
}

/** The entry of `version` in the versions file's list. */
export function versionEntry(version: string): string {
  return `${versionAlias(version)},`;
}

/**
 * src/api/<group>/<kind>-versions.ts: one CRD for every version of the kind (one CRD holds them all, and the API
 * server stores each object in one of them). Written when `create api` adds the second version; `storage` is the
 * first, where the objects already are.
 */
export function versionsTs(
  names: ApiNames,
  storage: string,
  versions: readonly string[],
  header: string,
): NewFile {
  const { kind, variable } = names;
  return tsFile(
    versionsPath(names),
    header,
    `import type { CustomResourceSource, MultiVersionCustomResourceSource } from '@spoke/manifests';
${versions.map((version) => versionImport(names, version)).join('\n')}
${markers.imports}

/**
 * The version the API server stores ${kind}s in; it converts every other one to and from it. TODO(user): to store
 * another version, keep this one served until every stored object has been rewritten in the new one (read and
 * write each back, or the kube-storage-version-migrator), then drop it from \`storedVersions\` of the CRD's status.
 */
const storageVersion = '${storage}';

/**
 * The ${kind} CRD, served in each version of src/api/${names.resource.group}/<version>/${names.file}-types.ts; \`make manifests\`
 * writes it. Between versions the API server converts with the conversion webhook (\`spoke create webhook
 * --conversion\`); without one it only rewrites apiVersion, which is right only while the schemas are the same.
 */
export const ${variable}CustomResource: MultiVersionCustomResourceSource = withVersions(storageVersion, [
  ${versions.map(versionEntry).join('\n  ')}
  ${versionsMarker}
]);

/** One CRD from single-version descriptions: the names of the first, each one's schema, columns and subresources. */
function withVersions(storage: string, sources: readonly CustomResourceSource[]): MultiVersionCustomResourceSource {
  const versions = sources.map((source) => {
    if (source.version === undefined) throw new Error(\`\${source.kind}: list each version's own description\`);
    return {
      name: source.version,
      storage: source.version === storage,
      schema: source.schema,
      ...(source.printerColumns === undefined ? {} : { printerColumns: source.printerColumns }),
      ...(source.subresources === undefined ? {} : { subresources: source.subresources }),
    };
  });
  const [first] = sources;
  if (first === undefined) throw new Error('${kind}: no version');
  return {
    group: first.group,
    kind: first.kind,
    plural: first.plural,
    ...(first.singular === undefined ? {} : { singular: first.singular }),
    scope: first.scope,
    versions,
  };
}
`,
  );
}
