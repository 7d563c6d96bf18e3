/**
 * The layout is the architecture: every import points down this list, none runs back up, none
 * closes a cycle (type-only imports included), and only tests import tests. Read from the sources
 * with TypeScript's own import scanner, so nothing here depends on how files happen to be loaded.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');

/** Lowest first: a file may import its own layer and the ones before it. */
const LAYERS = ['lib', 'lambda', 'app', 'bin', 'cli', 'examples', 'emulator', 'scripts', 'test'] as const;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'dist', 'cdk.out'].includes(entry.name) ? [] : sourceFiles(rel);
    return /\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [rel] : [];
  });
}

/** Relative imports of a file, resolved to repository paths (`lib/x.ts`), type-only ones included. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(path.join(path.dirname(file), spec)))
    .filter((target): target is string => target !== undefined);
}

function resolve(base: string): string | undefined {
  const candidates = [base, `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && fs.existsSync(path.join(root, c)));
}

const layerOf = (file: string) => {
  const top = file.split(path.sep)[0];
  // The top-level files are the operator's configuration, which belongs to the app.
  return LAYERS.indexOf((LAYERS.includes(top as never) ? top : 'app') as (typeof LAYERS)[number]);
};

function layerViolations(graph: Map<string, string[]>): string[] {
  return [...graph].flatMap(([from, targets]) =>
    targets.filter((to) => layerOf(to) > layerOf(from)).map((to) => `${from} -> ${to}`),
  );
}

/** Every strongly connected set of two or more files, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, order.get(next)!));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!order.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  const files = [
    ...LAYERS.flatMap((dir) => sourceFiles(dir)),
    ...fs.readdirSync(root).filter((f) => /^okta-config.*\.ts$/.test(f)),
  ];
  const graph = new Map(files.map((file) => [file, importsOf(file)]));

  test('reads the whole repository', () => {
    expect(graph.size).toBeGreaterThan(180);
    expect(graph.get(path.join('emulator', 'local-stack.ts'))!.length).toBeGreaterThan(3);
  });

  test('every import points down the layers: lib, lambda, app, bin, cli, examples, emulator, scripts, test', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  test('no file outside test/ imports one inside it', () => {
    const intoTests = [...graph].flatMap(([from, targets]) =>
      from.startsWith(`test${path.sep}`)
        ? []
        : targets.filter((t) => t.startsWith(`test${path.sep}`)).map((t) => `${from} -> ${t}`),
    );
    expect(intoTests).toEqual([]);
  });

  test('no import cycles, type-only imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  describe('the checks themselves can fail', () => {
    test('an arrow back up is a violation', () => {
      expect(layerViolations(new Map([[path.join('lib', 'a.ts'), [path.join('emulator', 'b.ts')]]]))).toEqual(
        [`${path.join('lib', 'a.ts')} -> ${path.join('emulator', 'b.ts')}`],
      );
    });

    test('a two-file cycle and a self-import are found; a chain is not', () => {
      const graphWith = new Map([
        ['a', ['b']],
        ['b', ['a']],
        ['c', ['c']],
        ['d', ['e']],
        ['e', []],
      ]);
      expect(cycles(graphWith)).toEqual([['a', 'b'], ['c']]);
    });
  });
});

test('in the library, only lib/peer.ts loads cdk-nag: a missing peer is then one clear line', () => {
  const loaders = sourceFiles('lib')
    .filter((file) => file.startsWith(`lib${path.sep}`) && file !== path.join('lib', 'peer.ts'))
    .filter((file) =>
      /^import (?!type)[^;]*from 'cdk-nag'/m.test(fs.readFileSync(path.join(root, file), 'utf8')),
    );
  expect(loaders).toEqual([]);
});
