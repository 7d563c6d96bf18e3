/**
 * How Okta evaluates the claim expression the README gives an Okta admin
 * (`TeamFolderPolicy.oktaClaimExpression`), for the Okta stand-in and the tests. Only the part of
 * the Okta Expression Language that expression uses: string literals, `+`, and
 * `(isMemberOfGroupName("<group>") ? "<then>" : "<else>")`, all documented in
 * https://developer.okta.com/docs/reference/okta-expression-language/. Anything else is refused,
 * so a change to the expression that Okta might read differently fails here first.
 */

const STRING = String.raw`"((?:[^"\\]|\\.)*)"`;
const CONDITIONAL = new RegExp(String.raw`^\(isMemberOfGroupName\(${STRING}\) \? ${STRING} : ${STRING}\)$`);
const LITERAL = new RegExp(`^${STRING}$`);

/** The claim's value for a user in `groups`. */
export function evaluateTeamsExpression(expression: string, groups: readonly string[]): string {
  return splitTerms(expression)
    .map((term) => {
      const literal = LITERAL.exec(term);
      if (literal) return unescape(literal[1]);
      const conditional = CONDITIONAL.exec(term);
      if (!conditional) throw new Error(`Not an expression Okta's stand-in evaluates: ${term}`);
      const [, group, then, otherwise] = conditional;
      return unescape(groups.includes(unescape(group)) ? then : otherwise);
    })
    .join('');
}

/** The `+`-separated terms, outside string literals and parentheses. */
function splitTerms(expression: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '+' && depth === 0) {
      terms.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  terms.push(expression.slice(start).trim());
  return terms;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}
