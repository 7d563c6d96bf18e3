import * as fs from 'fs';
import * as path from 'path';
import { UNDOCUMENTED } from '../../emulator/model/undocumented';

/** The README's Limits section: from its heading to the next `## ` heading. */
function limitsSection(): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Limits\n');
  if (start < 0) throw new Error('README.md has no Limits section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('points the documentation leaves open', () => {
  test('the README’s Limits section lists exactly the model’s undocumented points, by id', () => {
    const listed = [...limitsSection().matchAll(/`\[([a-z0-9-]+)\]`/g)].map((m) => m[1]);
    expect(listed).toEqual(UNDOCUMENTED.map((p) => p.id));
  });

  test('each point says what is assumed and how to probe it', () => {
    expect(new Set(UNDOCUMENTED.map((p) => p.id)).size).toBe(UNDOCUMENTED.length);
    for (const point of UNDOCUMENTED) {
      expect(point.question).toMatch(/\?$/);
      expect(point.assumption.length).toBeGreaterThan(10);
      expect(point.probe.length).toBeGreaterThan(10);
    }
  });
});
