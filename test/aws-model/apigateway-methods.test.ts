import { methodAuthorizationProblems } from '../../emulator/model/apigateway-cognito-authorizer';
import { OKTA_EVENT_HOOK_PATH } from '../../lib/constructs/offboarding';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate } from './environments';

describe.each(ENVIRONMENT_ROWS)('API Gateway methods, %s', (_label, env) => {
  test('every non-OPTIONS method but the Okta event hook’s takes ID tokens of the stack’s user pool from Authorization', () => {
    expect(methodAuthorizationProblems(environmentTemplate(env), [OKTA_EVENT_HOOK_PATH])).toEqual([]);
  });

  test('the Okta event hook’s methods are the only open ones (GET and POST, into the hook function)', () => {
    const problems = methodAuthorizationProblems(environmentTemplate(env));
    const template = environmentTemplate(env);
    const offboarding = Object.values(template.resources).some((r) => r.Type === 'AWS::SQS::Queue');
    expect(problems).toEqual(
      offboarding
        ? [
            expect.stringMatching(/^PresignApioktaeventhookGET[0-9A-F]{8} is not authorized/),
            expect.stringMatching(/^PresignApioktaeventhookPOST[0-9A-F]{8} is not authorized/),
          ]
        : [],
    );
  });
});

describe('the method rule fails on broken templates', () => {
  const firstMethod = (resources: Record<string, any>, method: string) =>
    resources[
      Object.keys(resources).find(
        (id) =>
          resources[id].Type === 'AWS::ApiGateway::Method' && resources[id].Properties.HttpMethod === method,
      )!
    ].Properties;

  test.each([
    [
      'a method without an authorizer',
      (r: Record<string, any>) => (firstMethod(r, 'GET').AuthorizationType = 'NONE'),
      /is not authorized/,
    ],
    [
      'a method with scopes',
      (r: Record<string, any>) => (firstMethod(r, 'GET').AuthorizationScopes = ['files/read']),
      /has scopes/,
    ],
    [
      'an authorizer of another pool',
      (r: Record<string, any>) => {
        const id = Object.keys(r).find((k) => r[k].Type === 'AWS::ApiGateway::Authorizer')!;
        r[id].Properties.ProviderARNs = [
          'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Other',
        ];
      },
      /names no user pool/,
    ],
  ])('%s is found', (_what, change, problem) => {
    expect(methodAuthorizationProblems(brokenTemplate('dev', change))).toEqual(
      expect.arrayContaining([expect.stringMatching(problem)]),
    );
  });
});
