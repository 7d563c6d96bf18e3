/**
 * The people who can sign in at the local Okta stand-in. Their `sub`s are Okta-shaped user ids;
 * carol and carol-b are the prefix-extension pair: carol-b's id is carol's plus one character, so a
 * policy that forgot the slash after the key (`users/${sub}*`) would let carol into carol-b's files.
 */
export interface TestUser {
  readonly name: string;
  readonly sub: string;
  readonly email: string;
  readonly note: string;
  /** Okta groups: with the example's team folders, alice writes and bob reads `finance`. */
  readonly groups: readonly string[];
}

export const TEST_USERS: readonly TestUser[] = [
  {
    name: 'alice',
    sub: '00uALICE000000000001',
    email: 'alice@example.test',
    note: 'Finance: reads and writes the finance folder',
    groups: ['Everyone', 'Finance', 'finance'],
  },
  {
    name: 'bob',
    sub: '00uBOB00000000000002',
    email: 'bob@example.test',
    note: 'Auditors, Finance readers: reads finance and audit',
    groups: ['Everyone', 'Auditors', 'auditors', 'Finance readers'],
  },
  {
    name: 'carol',
    sub: '00uCAROL000000000003',
    email: 'carol@example.test',
    note: 'no team; prefix pair: her id…',
    groups: ['Everyone'],
  },
  {
    name: 'carol-b',
    sub: '00uCAROL000000000003B',
    email: 'carol-b@example.test',
    note: '…is the start of this one',
    groups: ['Everyone'],
  },
];
