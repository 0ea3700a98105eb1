import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const repoRoot = new URL('../../../../../', import.meta.url);
const readmePath = new URL('packages/manager/README.md', repoRoot);

/**
 * A code block the README takes from a file: a `<!-- code: PATH -->` line (PATH from the repository root), then a
 * fenced block that must equal that file's content byte for byte.
 */
const marked = /<!-- code: (\S+) -->\n```ts\n([\s\S]*?)```/g;

/** The README with every marked block replaced by its file's current content. */
function render(readme: string): string {
  return readme.replace(
    marked,
    (_, path: string) =>
      `<!-- code: ${path} -->\n\`\`\`ts\n${readFileSync(new URL(path, repoRoot), 'utf8')}\`\`\``,
  );
}

describe('the manager README tutorial', () => {
  const readme = readFileSync(readmePath, 'utf8');

  it('shows the compiled example controller, main and test', () => {
    assert.deepEqual(
      [...readme.matchAll(marked)].map((m) => m[1]),
      [
        'examples/secret-mirror/src/secret-mirror-controller.ts',
        'examples/secret-mirror/src/main.ts',
        'examples/secret-mirror/test/integration/secret-mirror-controller.test.ts',
      ],
    );
  });

  it('shows each file as it is (UPDATE_GOLDEN=1 copies the files into the README)', () => {
    const rendered = render(readme);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(readmePath, rendered);
    assert.equal(
      readFileSync(readmePath, 'utf8'),
      rendered,
      'packages/manager/README.md differs from examples/secret-mirror: edit the files, then UPDATE_GOLDEN=1',
    );
  });
});
