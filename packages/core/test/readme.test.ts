// The README's example is this fixture verbatim, and it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;

describe('README example', () => {
  it('is test/fixtures/readme_example.ts and runs: cpu backend, ~60% of a seeded mask pruned, goal met', async () => {
    const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
    const block = readme.match(/```ts\n([\s\S]*?)```/)?.[1];
    const fixture = readFileSync(join(here, 'fixtures', 'readme_example.ts'), 'utf8');
    expect(block).toBe(fixture.replace(/export \{ doc \};\n$/, ''));
    const { doc } = await import('./fixtures/readme_example.js');
    expect(doc.env.backend).toBe('cpu');
    expect(doc.rows[0].sparsity).toBeGreaterThan(0.55);
    expect(doc.rows[0].sparsity).toBeLessThan(0.65);
    expect(doc.goals[0].value).toBe(doc.rows[0].sparsity);
  });
});
