import type { V1LabelSelector } from '@kubernetes/client-node';

/** One clause of a label selector, as apimachinery's `labels.Requirement`. */
export type LabelRequirement =
  | { readonly key: string; readonly op: 'exists' | 'notExists' }
  | { readonly key: string; readonly op: 'in' | 'notIn'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'gt' | 'lt'; readonly value: number };

/** A parsed selector: an object matches when every requirement does (an empty selector matches everything). */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

/** Splits on commas outside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function splitClauses(selector: string): string[] {
  const clauses: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new Error(`label selector ${JSON.stringify(selector)}: unbalanced ')'`);
    if (ch === ',' && depth === 0) {
      clauses.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new Error(`label selector ${JSON.stringify(selector)}: unbalanced '('`);
  clauses.push(current);
  return clauses.map((c) => c.trim()).filter((c) => c !== '');
}

const setClause = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/;
const comparison = /^([^\s!=<>(),]+)\s*(==|=|!=|<|>)\s*([^\s!=<>(),]*)$/;
const existence = /^(!?)\s*([^\s!=<>(),]+)$/;

function parseClause(clause: string, selector: string): LabelRequirement {
  const set = setClause.exec(clause);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key, op: op === 'in' ? 'in' : 'notIn', values };
  }
  const cmp = comparison.exec(clause);
  if (cmp) {
    const [, key = '', op, value = ''] = cmp;
    if (op === '<' || op === '>') {
      const n = Number(value);
      if (!Number.isInteger(n)) {
        throw new Error(
          `label selector ${JSON.stringify(selector)}: ${op} needs an integer, got ${JSON.stringify(value)}`,
        );
      }
      return { key, op: op === '<' ? 'lt' : 'gt', value: n };
    }
    return { key, op: op === '!=' ? 'notIn' : 'in', values: [value] };
  }
  const exists = existence.exec(clause);
  if (exists) {
    const [, not, key = ''] = exists;
    return { key, op: not ? 'notExists' : 'exists' };
  }
  throw new Error(`label selector ${JSON.stringify(selector)}: cannot parse ${JSON.stringify(clause)}`);
}

function requirementMatches(req: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case 'notExists':
      return !has;
    case 'in':
      return has && value !== undefined && req.values.includes(value);
    case 'notIn':
      // As the API server: a missing label satisfies `!=` and `notin`.
      return !has || value === undefined || !req.values.includes(value);
    case 'gt':
    case 'lt': {
      if (!has || value === undefined || !/^-?\d+$/.test(value)) return false;
      const n = Number(value);
      return req.op === 'gt' ? n > req.value : n < req.value;
    }
  }
}

/**
 * Parses a label selector in the API server's syntax: `app=web`, `app==web`, `tier!=db`, `env in (a,b)`,
 * `env notin (a)`, `release`, `!canary`, `replicas>1`; clauses joined by commas. Throws on a malformed selector.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  return selectorOf(splitClauses(selector).map((clause) => parseClause(clause, selector)));
}

function selectorOf(requirements: readonly LabelRequirement[]): LabelSelector {
  return {
    requirements,
    matches: (labels) => requirements.every((req) => requirementMatches(req, labels ?? {})),
  };
}

const nothing: LabelSelector = { requirements: [], matches: () => false };

/**
 * A metav1.LabelSelector (`matchLabels` and `matchExpressions`) as a {@link LabelSelector}, with the API server's
 * semantics: an empty selector matches everything; an unknown operator matches nothing (the API server would have
 * rejected it).
 */
export function labelSelectorFromV1(selector: V1LabelSelector): LabelSelector {
  const requirements: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    op: 'in',
    values: [value],
  }));
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        requirements.push({ key: expr.key, op: 'in', values });
        break;
      case 'NotIn':
        requirements.push({ key: expr.key, op: 'notIn', values });
        break;
      case 'Exists':
        requirements.push({ key: expr.key, op: 'exists' });
        break;
      case 'DoesNotExist':
        requirements.push({ key: expr.key, op: 'notExists' });
        break;
      default:
        return nothing;
    }
  }
  return selectorOf(requirements);
}

/** Whether `labels` match `selector`, with metav1.LabelSelector semantics (see {@link labelSelectorFromV1}). */
export function matchesLabelSelector(
  selector: V1LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  return labelSelectorFromV1(selector).matches(labels);
}

/** `k=v,k=v`: the selector string of objects carrying all of `labels` (apimachinery's `SelectorFromSet`). */
export function selectorStringFromSet(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
