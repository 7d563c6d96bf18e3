/**
 * The simulator's answers, remembered on disk between runs when `EMULATOR_IAM_DECISION_MEMO` names a
 * folder (the test run sets it; nothing else does). The simulator is a pure function of its input,
 * so an answer is reused only for the very same input: the policies, the request and its context,
 * the simulator's and its data's versions, and this folder's source. Change any policy and its
 * requests are simulated again. One decision costs 2 to 10 ms of CPU, and a test run asks about
 * 7,000 distinct questions, nearly all the same from one run to the next.
 *
 * Each process appends what it learns to a file of its own (no two writers share a file) and reads
 * every file once, at its first question.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const DECISION_MEMO_VARIABLE = 'EMULATOR_IAM_DECISION_MEMO';

export interface DecisionMemo<T> {
  /** The remembered answer to `input`, or what `answer` gives, which is then remembered. */
  recall(input: unknown, answer: () => Promise<T>): Promise<T>;
}

/** The memo of `EMULATOR_IAM_DECISION_MEMO`, or none (every question is answered afresh). */
export function decisionMemoFromEnvironment<T>(): DecisionMemo<T> | undefined {
  const dir = process.env[DECISION_MEMO_VARIABLE];
  return dir ? fileMemo<T>(path.join(dir, versionStamp())) : undefined;
}

function fileMemo<T>(dir: string): DecisionMemo<T> {
  let known: Map<string, T> | undefined;
  // Each memo writes a file of its own: two opened in one millisecond by one process must not share one.
  const own = path.join(dir, `${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.jsonl`);
  const load = () => {
    fs.mkdirSync(dir, { recursive: true });
    const entries = new Map<string, T>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        // A line another process is still writing is incomplete; it is skipped, never misread.
        const entry = parsedLine<T>(line);
        if (entry) entries.set(entry.k, entry.v);
      }
    }
    return entries;
  };
  return {
    async recall(input, answer) {
      known ??= load();
      const key = createHash('sha256').update(JSON.stringify(input)).digest('base64url');
      const remembered = known.get(key);
      if (remembered !== undefined) return remembered;
      const value = await answer();
      known.set(key, value);
      // The folder again: a compaction by a run in another checkout may have just replaced it.
      fs.mkdirSync(dir, { recursive: true });
      fs.appendFileSync(own, `${JSON.stringify({ k: key, v: value })}\n`);
      return value;
    },
  };
}

function parsedLine<T>(line: string): { k: string; v: T } | undefined {
  try {
    const entry = JSON.parse(line) as { k?: unknown; v?: T };
    return typeof entry.k === 'string' && entry.v !== undefined ? { k: entry.k, v: entry.v } : undefined;
  } catch {
    return undefined;
  }
}

/** A folder per simulator version and per version of the code that asks it. */
function versionStamp(): string {
  const versions = ['iam-simulate', 'iam-data', 'iam-policy', 'iam-utils'].map((name) =>
    packageVersion(`@cloud-copilot/${name}`),
  );
  const source = ['simulate.ts', 'decision-memo.ts'].map((file) => readIfPresent(path.join(__dirname, file)));
  return createHash('sha256')
    .update(JSON.stringify([versions, source]))
    .digest('hex')
    .slice(0, 16);
}

/** A package's version; these packages export no `./package.json`, so it is found from the entry point up. */
function packageVersion(name: string): string {
  for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (parsed.name === name && parsed.version) return parsed.version;
  }
  throw new Error(`No package.json naming ${name} above ${require.resolve(name)}`);
}

function readIfPresent(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/**
 * Folds the current version's files into one, and drops the folders of other versions unused for a
 * day (another checkout sharing node_modules may be using one). Run it before a test run starts; a
 * process of another run that loses its file to it loses nothing but time.
 */
export function compactDecisionMemo(root: string): void {
  const current = versionStamp();
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root)) {
    const folder = path.join(root, entry);
    if (entry !== current && Date.now() - fs.statSync(folder).mtimeMs > 24 * 3600 * 1000)
      fs.rmSync(folder, { recursive: true, force: true });
  }
  const dir = path.join(root, current);
  if (!fs.existsSync(dir)) return;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  if (files.length <= 1) return;
  const lines = new Set(
    files.flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((line) => parsedLine(line) !== undefined),
    ),
  );
  const compacted = path.join(dir, `compacted-${Date.now()}.partial`);
  fs.writeFileSync(compacted, [...lines].map((line) => `${line}\n`).join(''));
  for (const f of files) fs.rmSync(path.join(dir, f));
  fs.renameSync(compacted, compacted.replace(/\.partial$/, '.jsonl'));
}
