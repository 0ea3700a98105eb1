import type { PolicyRule } from './policy-rule.js';

interface Rule {
  groups: string[];
  resources: string[];
  resourceNames: string[];
  urls: string[];
  verbs: string[];
}

/**
 * Merges and orders policy rules the way controller-gen does, so a role reads the same as a kubebuilder one and
 * the same permissions always give the same YAML:
 * 1. split into one resource per rule and merge the verbs of rules on the same group/resource/names/URLs;
 * 2. merge the resources of rules that agree on everything else, then the groups, then the URLs;
 * 3. sort every list, and the rules by their groups, resources, names and URLs.
 * A rule with verb `*` keeps only `*`.
 */
export function normalizeRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const split: Rule[] = rules.flatMap((rule) => {
    const base = {
      groups: [...(rule.apiGroups ?? [])],
      resourceNames: [...(rule.resourceNames ?? [])],
      urls: [...(rule.nonResourceURLs ?? [])],
      verbs: [...rule.verbs],
    };
    const resources = rule.resources ?? [];
    return resources.length === 0
      ? [{ ...base, resources: [] }]
      : resources.map((resource) => ({ ...base, resources: [resource] }));
  });

  let merged = mergeBy(split, (r) => key(r), 'verbs');
  merged = mergeBy(
    merged,
    (r) => [r.groups, r.resourceNames, r.urls, r.verbs].map(list).join(' + '),
    'resources',
  );
  merged = mergeBy(
    merged,
    (r) => [r.resources, r.resourceNames, r.urls, r.verbs].map(list).join(' + '),
    'groups',
  );
  merged = mergeBy(
    merged,
    (r) => [r.groups, r.resources, r.resourceNames, r.verbs].map(list).join(' + '),
    'urls',
  );

  return merged
    .sort((a, b) => compare(key(a), key(b)))
    .map((rule) => {
      const out: PolicyRule = { verbs: rule.verbs.includes('*') ? ['*'] : rule.verbs };
      if (rule.groups.length > 0 || rule.resources.length > 0) out.apiGroups = rule.groups;
      if (rule.resources.length > 0) out.resources = rule.resources;
      if (rule.resourceNames.length > 0) out.resourceNames = rule.resourceNames;
      if (rule.urls.length > 0) out.nonResourceURLs = rule.urls;
      return out;
    });
}

/** Groups rules by `keyOf` and unions `field` within each group; every list comes out sorted and unique. */
function mergeBy(rules: readonly Rule[], keyOf: (rule: Rule) => string, field: keyof Rule): Rule[] {
  const byKey = new Map<string, Rule>();
  for (const rule of rules.map(normalized)) {
    const k = keyOf(rule);
    const existing = byKey.get(k);
    if (existing) existing[field] = sortedUnique([...existing[field], ...rule[field]]);
    else byKey.set(k, rule);
  }
  return [...byKey.values()].map(normalized);
}

function normalized(rule: Rule): Rule {
  return {
    groups: sortedUnique(rule.groups),
    resources: sortedUnique(rule.resources),
    resourceNames: sortedUnique(rule.resourceNames),
    urls: sortedUnique(rule.urls),
    verbs: sortedUnique(rule.verbs),
  };
}

function key(rule: Rule): string {
  return [rule.groups, rule.resources, rule.resourceNames, rule.urls].map(list).join(' + ');
}

function list(values: readonly string[]): string {
  return values.join('&');
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compare);
}

/** Byte-wise, as Go's strings.Compare: locale-independent, so the output never depends on the machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
