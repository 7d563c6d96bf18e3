import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  compactDecisionMemo,
  DECISION_MEMO_VARIABLE,
  DecisionMemo,
  decisionMemoFromEnvironment,
} from '../../emulator/iam/decision-memo';

let root: string;
let setting: string | undefined;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'decision-memo-'));
  setting = process.env[DECISION_MEMO_VARIABLE];
  process.env[DECISION_MEMO_VARIABLE] = root;
});
afterEach(() => {
  process.env[DECISION_MEMO_VARIABLE] = setting;
  fs.rmSync(root, { recursive: true, force: true });
});

/** A memo as a fresh process would open it, and how often it had to ask. */
function openMemo() {
  const memo = decisionMemoFromEnvironment<string>() as DecisionMemo<string>;
  let asked = 0;
  const recall = (input: unknown, answer: string) =>
    memo.recall(input, async () => {
      asked += 1;
      return answer;
    });
  return { recall, asked: () => asked };
}

const REQUEST = {
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::b/users/a/x',
  policies: [{ Effect: 'Allow' }],
};

test('without the variable there is no memo: every question is simulated', () => {
  process.env[DECISION_MEMO_VARIABLE] = '';
  expect(decisionMemoFromEnvironment()).toBeUndefined();
});

test('another process gets the answer to the very same input without asking', async () => {
  const first = openMemo();
  expect(await first.recall(REQUEST, 'Allowed')).toBe('Allowed');
  const second = openMemo();
  expect(await second.recall(structuredClone(REQUEST), 'Denied')).toBe('Allowed');
  expect([first.asked(), second.asked()]).toEqual([1, 0]);
});

test('any change to the input is asked afresh: a policy, the action, the resource', async () => {
  const memo = openMemo();
  await memo.recall(REQUEST, 'Allowed');
  const changed = [
    { ...REQUEST, policies: [{ Effect: 'Deny' }] },
    { ...REQUEST, action: 's3:PutObject' },
    { ...REQUEST, resource: 'arn:aws:s3:::b/users/b/x' },
  ];
  for (const input of changed) expect(await memo.recall(input, 'ImplicitlyDenied')).toBe('ImplicitlyDenied');
  expect(memo.asked()).toBe(4);
});

test('a failed simulation is not remembered', async () => {
  const memo = decisionMemoFromEnvironment<string>()!;
  await expect(memo.recall(REQUEST, () => Promise.reject(new Error('rejected')))).rejects.toThrow('rejected');
  expect(await openMemo().recall(REQUEST, 'Allowed')).toBe('Allowed');
});

test('a line another process is still writing is skipped, not misread', async () => {
  await openMemo().recall(REQUEST, 'Allowed');
  const [version] = fs.readdirSync(root);
  // Cut off mid-line, once where the text happens to end in a brace.
  fs.writeFileSync(
    path.join(root, version, 'other.jsonl'),
    '{"k":"abc","v":"Allo\n{"k":"abd","v":{"decision":"A"}',
  );
  const memo = openMemo();
  expect(await memo.recall(REQUEST, 'Denied')).toBe('Allowed');
  expect(memo.asked()).toBe(0);
});

test('compaction folds the files into one, keeping every answer, and drops versions unused for a day', async () => {
  await openMemo().recall(REQUEST, 'Allowed');
  await openMemo().recall({ ...REQUEST, action: 's3:PutObject' }, 'Denied');
  const [version] = fs.readdirSync(root);
  const stale = path.join(root, 'a-version-unused-for-two-days');
  const recent = path.join(root, 'a-version-another-checkout-uses');
  fs.mkdirSync(stale);
  fs.mkdirSync(recent);
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  fs.utimesSync(stale, twoDaysAgo, twoDaysAgo);
  expect(fs.readdirSync(path.join(root, version))).toHaveLength(2);
  compactDecisionMemo(root);
  expect(fs.readdirSync(root).sort()).toEqual([path.basename(recent), version].sort());
  expect(fs.readdirSync(path.join(root, version))).toHaveLength(1);
  const memo = openMemo();
  expect(await memo.recall(REQUEST, 'x')).toBe('Allowed');
  expect(await memo.recall({ ...REQUEST, action: 's3:PutObject' }, 'x')).toBe('Denied');
  expect(memo.asked()).toBe(0);
});
