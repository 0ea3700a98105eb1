/**
 * The rules a scaffolded name must follow, as the API server and kubebuilder apply them; each check returns what is
 * wrong (one phrase, for an error message) or undefined.
 */

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An RFC 1123 subdomain (`webapp`, `cache.example.com`): what an API group and a domain must be. */
export function dnsSubdomainProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (value.length > 253) return `must be at most 253 characters, not ${value.length}`;
  const bad = value.split('.').find((label) => !dnsLabel.test(label) || label.length > 63);
  if (bad === undefined) return undefined;
  return (
    'must be a lower-case RFC 1123 subdomain: labels of a-z, 0-9 and "-", each starting and ending with a letter or ' +
    `digit, at most 63 characters, joined by "." (not "${bad}")`
  );
}

/** An RFC 1123 label (`guestbook`): what a project name (namespace `<name>-system`, labels) must be. */
export function dnsLabelProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (value.length > 63) return `must be at most 63 characters, not ${value.length}`;
  if (!dnsLabel.test(value)) {
    return 'must be a lower-case RFC 1123 label: a-z, 0-9 and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * A Kubernetes API version: `v1`, `v2`, `v1alpha1`, `v2beta3` — what the API server sorts by stability
 * (no `v0`, no leading zeros, no other suffix).
 */
export function apiVersionProblem(value: string): string | undefined {
  if (/^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/.test(value)) return undefined;
  return 'must be a Kubernetes API version: v<N>, v<N>alpha<M> or v<N>beta<M> with N, M ≥ 1, e.g. v1, v1alpha1, v2beta3';
}

/**
 * Names the generated code imports or declares besides the kind's own: a kind spelled like one would not compile,
 * or would shadow a global the code uses.
 */
const reservedKinds = new Set([
  'Client',
  'Condition',
  'Controller',
  'CustomResourceSource',
  'GroupVersion',
  'KubernetesObject',
  'KubernetesObjectApi',
  'Manager',
  'ReconcileContext',
  'Reconciler',
  'Request',
  'Result',
  'Static',
  'TestEnvironment',
  'Type',
  'V1ObjectMeta',
  'Array',
  'Boolean',
  'Date',
  'Error',
  'Function',
  'JSON',
  'Map',
  'Math',
  'Number',
  'Object',
  'Promise',
  'Record',
  'Set',
  'String',
  'Symbol',
]);

/** A kind: CamelCase (`Guestbook`, `CronJob`), as Kubernetes kinds are, and usable as a TypeScript class name. */
export function kindProblem(value: string): string | undefined {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(value)) {
    return 'must be CamelCase: an upper-case letter, then letters and digits, e.g. Guestbook or CronJob';
  }
  if (value.length > 63) return `must be at most 63 characters, not ${value.length}`;
  if (value.endsWith('List')) return 'must not end in "List": the API server names the list type <Kind>List';
  if (reservedKinds.has(value)) return `collides with the name ${value} that the generated code uses`;
  return undefined;
}

/** A resource's plural (`guestbooks`): lower case, a DNS-1035 label, as the API server requires. */
export function pluralProblem(value: string): string | undefined {
  if (/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value) && value.length <= 63) return undefined;
  return 'must be a lower-case RFC 1035 label (a-z, 0-9 and "-", starting with a letter), at most 63 characters';
}

/** An npm package name (`guestbook-operator`, `@acme/guestbook-operator`). */
export function packageNameProblem(value: string): string | undefined {
  if (value.length > 214) return `must be at most 214 characters, not ${value.length}`;
  if (/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(value)) return undefined;
  return 'must be an npm package name: lower case, optionally scoped (@scope/name), of a-z, 0-9, ".", "_", "~" and "-"';
}

/**
 * The English plural of a kind in lower case, as kubebuilder makes it: `guestbooks`, `policies`, `classes`,
 * `boxes`; a name this gets wrong takes `--plural`.
 */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The words of a CamelCase name: `HTTPRoute` → `HTTP`, `Route`; `CronJob2` → `Cron`, `Job2`. */
function words(name: string): string[] {
  return name.match(/[A-Z]+(?![a-z])[0-9]*|[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [name];
}

/** For file names: `CronJob` → `cron-job`, `HTTPRoute` → `http-route`. */
export function kebabCase(name: string): string {
  return words(name)
    .map((word) => word.toLowerCase())
    .join('-');
}

/** For variables: `CronJob` → `cronJob`, `HTTPRoute` → `httpRoute`. */
export function lowerCamelCase(name: string): string {
  const [first = '', ...rest] = words(name);
  return first.toLowerCase() + rest.join('');
}
