import { LocalStack, startLocalStack } from '../../emulator/local-stack';
import type { ResolvedTemplate } from '../../emulator/iam/resolve-template';
import { TEST_ISSUER } from '../support/config';
import { OidcIssuer, startOidcIssuer } from '../../emulator/services/oidc-issuer';

/**
 * Starts a local issuer standing in for Okta and the local stack of `template` before the file's
 * tests, hands both to `started`, and stops them after.
 */
export function aroundLocalStack(
  template: ResolvedTemplate,
  started: (running: { okta: OidcIssuer; stack: LocalStack }) => void,
): void {
  let okta: OidcIssuer | undefined;
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    okta = await startOidcIssuer();
    stack = await startLocalStack({ template, okta, configuredIssuer: TEST_ISSUER });
    started({ okta, stack });
  });
  afterAll(async () => {
    await stack?.close();
    await okta?.stop();
  });
}
