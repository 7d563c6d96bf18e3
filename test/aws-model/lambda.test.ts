import { PRESIGN_ENV, readConfig } from '../../lambda/presign/config';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, rawId } from './environments';
import {
  arnLike,
  invokePermissionProblems,
  lambdaEnvironment,
  logGroupNameOf,
  logWriteDecisions,
  methodInvocations,
  presignFunctionOf,
} from '../../emulator/model/lambda-rules';

describe.each(ENVIRONMENT_ROWS)('Lambda, %s', (_label, env) => {
  const template = environmentTemplate(env);
  const fn = presignFunctionOf(template);

  test('the execution role may create streams and put events in the function’s log group', async () => {
    expect(await logWriteDecisions(template, fn)).toEqual({
      'logs:CreateLogStream': 'Allowed',
      'logs:PutLogEvents': 'Allowed',
    });
  });

  test('the role may not write to the default /aws/lambda/<name> group or another group', async () => {
    for (const group of [`/aws/lambda/${template.ref(fn.id)}`, '/aws/lambda/other']) {
      expect(Object.values(await logWriteDecisions(template, fn, group))).toEqual([
        'ImplicitlyDenied',
        'ImplicitlyDenied',
      ]);
    }
  });

  test('each offboarding function may write its own log group, and not another’s', async () => {
    const functions = Object.entries(template.resources)
      .filter(
        ([id, r]) => r.Type === 'AWS::Lambda::Function' && /^Offboarding(Hook|Mover|Reconciler)/.test(id),
      )
      .map(([id, r]) => ({ id, type: r.Type, props: r.Properties }));
    for (const offboarding of functions) {
      expect(await logWriteDecisions(template, offboarding)).toEqual({
        'logs:CreateLogStream': 'Allowed',
        'logs:PutLogEvents': 'Allowed',
      });
      expect(
        Object.values(await logWriteDecisions(template, offboarding, logGroupNameOf(template, fn))),
      ).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
    }
  });

  test('the environment satisfies the handler’s config reader and names the template’s resources', () => {
    const config = readConfig(lambdaEnvironment(template, fn));
    expect(config.region).toBe(template.env.region);
    expect(config.presignRoleArn).toMatch(/:role\//);
  });

  test('every proxy method’s invocation is covered by an invoke permission', () => {
    // uploads, files, folders, downloads, the five multipart steps, and the Okta event hook's GET and
    // POST where offboarding is on.
    const offboarding = Object.values(template.resources).some((r) => r.Type === 'AWS::SQS::Queue');
    expect(methodInvocations(template)).toHaveLength(offboarding ? 11 : 9);
    expect(invokePermissionProblems(template)).toEqual([]);
  });
});

const handlerPolicy = (resources: Record<string, any>) =>
  resources[rawId(resources, 'AWS::IAM::Policy', 'PresignApiHandlerRoleDefaultPolicy')].Properties
    .PolicyDocument;

describe('Lambda rules fail on broken templates', () => {
  test('mutation proof (defect 2): an execution role without the logging grant cannot write its logs', async () => {
    const template = brokenTemplate('dev', (resources) => {
      const document = handlerPolicy(resources);
      document.Statement = document.Statement.filter((s: { Sid?: string }) => s.Sid !== 'WriteOwnLogs');
    });
    expect(await logWriteDecisions(template, presignFunctionOf(template))).toEqual({
      'logs:CreateLogStream': 'ImplicitlyDenied',
      'logs:PutLogEvents': 'ImplicitlyDenied',
    });
  });

  test('an environment without the provider name fails the config reader', () => {
    const template = brokenTemplate('dev', (resources) => {
      const fn = resources[rawId(resources, 'AWS::Lambda::Function', 'PresignApiHandler')];
      delete fn.Properties.Environment.Variables[PRESIGN_ENV.identityProviderName];
    });
    expect(() => readConfig(lambdaEnvironment(template, presignFunctionOf(template)))).toThrow(
      /IDENTITY_PROVIDER_NAME must be/,
    );
  });

  test('an environment that sets AWS_REGION itself is refused, as Lambda refuses it', () => {
    const template = brokenTemplate('dev', (resources) => {
      const fn = resources[rawId(resources, 'AWS::Lambda::Function', 'PresignApiHandler')];
      fn.Properties.Environment.Variables.AWS_REGION = 'eu-west-1';
    });
    expect(() => lambdaEnvironment(template, presignFunctionOf(template))).toThrow(
      /reserved variables AWS_REGION/,
    );
  });

  test.each([
    ['another stage', '/prod/POST/uploads', 1],
    ['another path', '/v1/POST/upload', 1],
    ['another method', '/v1/GET/uploads', 1],
    ['every stage and method of the API', '/*/*/uploads', 0],
  ])('a permission for %s', (_what, suffix, problems) => {
    const template = brokenTemplate('dev', (resources) => {
      const id = Object.keys(resources).find(
        (k) => resources[k].Type === 'AWS::Lambda::Permission' && k.includes('uploadsPOST'),
      )!;
      const parts = resources[id].Properties.SourceArn['Fn::Join'][1];
      resources[id].Properties.SourceArn['Fn::Join'][1] = [parts[0], parts[1], suffix];
    });
    expect(invokePermissionProblems(template)).toHaveLength(problems);
  });

  test('ArnLike compares each of the six components, with * and ?', () => {
    const arn = 'arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/files';
    expect(arnLike('arn:aws:execute-api:eu-west-1:123456789012:abc/*/GET/files', arn)).toBe(true);
    expect(arnLike('arn:aws:execute-api:*:123456789012:abc/v?/GET/files', arn)).toBe(true);
    expect(arnLike('arn:aws:execute-api:eu-west-1:210987654321:abc/*', arn)).toBe(false);
    expect(arnLike('arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/file', arn)).toBe(false);
  });
});
