import { evaluateTeamsExpression } from '../../emulator/model/okta-expression';
import {
  oktaTeamsClaimExpression,
  parseTeamsClaim,
  TeamFolderAccess,
} from '../../lib/policy/team-folder-names';
import { TEST_TEAM_FOLDERS } from '../support/config';

const teams = TEST_TEAM_FOLDERS.map((t) => ({
  ...t,
  access: t.access === 'read' ? TeamFolderAccess.READ : TeamFolderAccess.READ_WRITE,
}));
const expression = oktaTeamsClaimExpression(teams);

describe('the okta_teams expression, as Okta evaluates it', () => {
  test.each([
    [['finance'], ':finance=rw:'],
    [['Finance readers'], ':finance=r:'],
    [['finance', 'auditors', 'Everyone'], ':finance=rw:auditors=r:'],
    [['fin'], ':fin=rw:'],
    [['Everyone'], ':'],
    [[], ':'],
  ])('a user in %j gets %j, which parses back to those memberships', (groups, claim) => {
    const value = evaluateTeamsExpression(expression, groups);
    expect(value).toBe(claim);
    expect(parseTeamsClaim(value)).toBeDefined();
  });

  test('a group name is matched whole: "fin" is not "finance"', () => {
    expect(evaluateTeamsExpression(expression, ['finance'])).not.toContain('fin=rw');
  });

  test('refuses what it does not model, so a changed expression cannot pass unread', () => {
    expect(() => evaluateTeamsExpression('Arrays.toCsvString(Groups.startsWith("OKTA","",100))', [])).toThrow(
      'Not an expression',
    );
    expect(() => evaluateTeamsExpression('":" + (isMemberOf("x") ? "x=r:" : "")', ['x'])).toThrow(
      'Not an expression',
    );
  });
});
