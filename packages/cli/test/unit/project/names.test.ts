import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiVersionProblem,
  dnsLabelProblem,
  dnsSubdomainProblem,
  kebabCase,
  kindProblem,
  lowerCamelCase,
  packageNameProblem,
  pluralOf,
  pluralProblem,
} from '../../../src/project/names.js';

describe('the names a scaffold accepts', () => {
  it('takes an API group or domain that is an RFC 1123 subdomain', () => {
    for (const good of ['ship', 'example.com', 'a-b.c1.d', 'x'.repeat(63)])
      assert.equal(dnsSubdomainProblem(good), undefined, good);
    for (const bad of [
      '',
      'Ship',
      'ship_yard',
      '-ship',
      'ship-',
      'a..b',
      '.a',
      'x'.repeat(64),
      `${'a.'.repeat(127)}ab`,
    ]) {
      assert.ok(dnsSubdomainProblem(bad) !== undefined, bad);
    }
    assert.match(dnsSubdomainProblem('a.Bad') ?? '', /not "Bad"/);
  });

  it('takes Kubernetes API versions only: v1, v1alpha1, v2beta3', () => {
    for (const good of ['v1', 'v2', 'v10', 'v1alpha1', 'v2beta3', 'v1beta12'])
      assert.equal(apiVersionProblem(good), undefined, good);
    for (const bad of [
      '1',
      'V1',
      'v0',
      'v01',
      'v1alpha',
      'v1alpha0',
      'v1gamma1',
      'v1-alpha1',
      'v1.0',
      'v1beta1x',
      '',
    ]) {
      assert.ok(apiVersionProblem(bad) !== undefined, bad);
    }
  });

  it('takes CamelCase kinds that the generated code can be named after', () => {
    for (const good of ['Guestbook', 'CronJob', 'HTTPRoute', 'V2Thing', 'A'])
      assert.equal(kindProblem(good), undefined, good);
    for (const bad of [
      'guestbook',
      'cron_job',
      'Cron-Job',
      'Cron Job',
      '1Thing',
      '',
      'GuestbookList',
      'X'.repeat(64),
    ]) {
      assert.ok(kindProblem(bad) !== undefined, bad);
    }
    assert.match(kindProblem('Client') ?? '', /collides with the name Client/);
    assert.match(kindProblem('Object') ?? '', /collides/);
  });

  it('pluralizes as kubebuilder, and checks a given plural', () => {
    assert.deepEqual(['Guestbook', 'Policy', 'Class', 'Box', 'Match', 'Wish', 'Key'].map(pluralOf), [
      'guestbooks',
      'policies',
      'classes',
      'boxes',
      'matches',
      'wishes',
      'keys',
    ]);
    assert.equal(pluralProblem('guestbooks'), undefined);
    for (const bad of ['Guestbooks', '1books', 'books.x', 'books_'])
      assert.ok(pluralProblem(bad) !== undefined, bad);
  });

  it('checks project names (RFC 1123 labels) and npm package names', () => {
    assert.equal(dnsLabelProblem('guestbook-operator'), undefined);
    for (const bad of ['Guestbook', 'guest.book', 'guest_book', ''])
      assert.ok(dnsLabelProblem(bad) !== undefined, bad);
    for (const good of ['guestbook', '@acme/guestbook-operator', 'a.b_c~d'])
      assert.equal(packageNameProblem(good), undefined);
    for (const bad of ['Guestbook', '@acme', '@/x', 'a b', '.hidden'])
      assert.ok(packageNameProblem(bad) !== undefined, bad);
  });

  it('derives file and variable stems from a kind', () => {
    assert.deepEqual(['Guestbook', 'CronJob', 'HTTPRoute', 'V2Thing'].map(kebabCase), [
      'guestbook',
      'cron-job',
      'http-route',
      'v2-thing',
    ]);
    assert.deepEqual(['Guestbook', 'CronJob', 'HTTPRoute'].map(lowerCamelCase), [
      'guestbook',
      'cronJob',
      'httpRoute',
    ]);
  });
});
