import { ConfigValidationError, validateConfig } from '../../app/config/validate';
import type { OktaS3Config } from '../../app/config/types';
import { testConfig } from '../support/config';

/** `presign.sharing` in the configuration: the construct's own rule, one message listing every problem. */
function withSharing(sharing: unknown): OktaS3Config {
  const config = testConfig() as unknown as { environments: { dev: { presign: Record<string, unknown> } } };
  config.environments.dev.presign.sharing = sharing;
  return config as unknown as OktaS3Config;
}

function problemsOf(sharing: unknown): readonly string[] {
  try {
    validateConfig(withSharing(sharing));
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.problems;
    throw e;
  }
  return [];
}

describe('presign.sharing', () => {
  test('an empty section turns sharing on with the defaults; a full one is kept as written', () => {
    expect(validateConfig(withSharing({})).environments.dev.presign?.sharing).toEqual({});
    const full = {
      maxLinkDays: 30,
      fileRequestMaxFiles: 100,
      fileRequestMaxFileBytes: 1024,
      fileRequestContentTypes: ['application/pdf'],
      visitRateLimit: 5,
      visitBurstLimit: 10,
    };
    expect(validateConfig(withSharing(full)).environments.dev.presign?.sharing).toEqual(full);
  });

  test('every problem is named at once, with a suggestion for a typo', () => {
    expect(
      problemsOf({
        maxLinkDay: 7,
        maxLinkDays: 31,
        fileRequestMaxFiles: '5',
        fileRequestContentTypes: ['Text/HTML'],
      }),
    ).toEqual([
      'environments.dev.presign.sharing.maxLinkDay: unknown key; did you mean "maxLinkDays"?',
      'environments.dev.presign.sharing.maxLinkDays: must be an integer from 1 to 30',
      'environments.dev.presign.sharing.fileRequestMaxFiles: must be an integer from 1 to 1000',
      'environments.dev.presign.sharing.fileRequestContentTypes: "Text/HTML" is not a lower-case type/subtype',
    ]);
  });

  test('a section that is not an object, or types that are not a list of strings, are refused', () => {
    expect(problemsOf(true)).toEqual(['environments.dev.presign.sharing: expected an object, got true']);
    expect(problemsOf({ fileRequestContentTypes: 'application/pdf' })).toEqual([
      'environments.dev.presign.sharing.fileRequestContentTypes: expected a list of content types, got "application/pdf"',
    ]);
  });
});
