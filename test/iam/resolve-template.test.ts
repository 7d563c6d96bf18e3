import { templateJson } from '../support/template-cache';
import { CfnTemplate, ResolveOptions, resolveTemplate } from '../../emulator/iam/resolve-template';

const ENV = { account: '111122223333', region: 'us-west-2', partition: 'aws', stackName: 'Probe' };

/** A template whose `Value` output is `value`, so each test states one intrinsic and its result. */
function resolveOutput(value: unknown, extra: CfnTemplate = {}, options: ResolveOptions = ENV): unknown {
  return resolveTemplate({ ...extra, Outputs: { Value: { Value: value } } }, options).outputs.Value;
}

const withResources = (Resources: CfnTemplate['Resources']): CfnTemplate => ({ Resources });

describe('pseudo parameters', () => {
  test.each([
    ['AWS::Partition', 'aws'],
    ['AWS::AccountId', '111122223333'],
    ['AWS::Region', 'us-west-2'],
    ['AWS::URLSuffix', 'amazonaws.com'],
    ['AWS::StackName', 'Probe'],
  ])('Ref %s', (name, expected) => {
    expect(resolveOutput({ Ref: name })).toBe(expected);
  });

  test('defaults and partition-dependent URL suffix', () => {
    expect(resolveOutput({ 'Fn::Sub': '${AWS::AccountId}/${AWS::Region}' }, {}, {})).toBe(
      '123456789012/eu-west-1',
    );
    expect(resolveOutput({ Ref: 'AWS::URLSuffix' }, {}, { ...ENV, partition: 'aws-cn' })).toBe(
      'amazonaws.com.cn',
    );
  });
});

describe('Ref and Fn::GetAtt of resources', () => {
  const template = withResources({
    DataBucket1A2B: { Type: 'AWS::S3::Bucket' },
    WebRole99: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    NamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::Sub': '${AWS::StackName}-named' } } },
    Okta: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: 'https://test.okta.example/oauth2/default' } },
    Pool: { Type: 'AWS::Cognito::IdentityPool', Properties: {} },
    UserPool: { Type: 'AWS::Cognito::UserPool', Properties: {} },
  });
  const resolved = resolveTemplate(template, ENV);

  test('a bucket is named after its lower-cased logical id', () => {
    expect(resolved.ref('DataBucket1A2B')).toBe('databucket1a2b');
    expect(resolved.getAtt('DataBucket1A2B', 'Arn')).toBe('arn:aws:s3:::databucket1a2b');
  });

  test('a role is named after its logical id, or its resolved RoleName', () => {
    expect(resolved.ref('WebRole99')).toBe('WebRole99');
    expect(resolved.getAtt('WebRole99', 'Arn')).toBe('arn:aws:iam::111122223333:role/WebRole99');
    expect(resolved.getAtt('NamedRole', 'Arn')).toBe('arn:aws:iam::111122223333:role/Probe-named');
  });

  test('an OIDC provider is its ARN, built from its Url without the scheme', () => {
    const arn = 'arn:aws:iam::111122223333:oidc-provider/test.okta.example/oauth2/default';
    expect(resolved.ref('Okta')).toBe(arn);
    expect(resolved.getAtt('Okta', 'Arn')).toBe(arn);
  });

  test('Cognito pools get region-prefixed, stable, distinct ids', () => {
    expect(resolved.ref('Pool')).toMatch(
      /^us-west-2:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(resolved.ref('Pool')).toBe(resolveTemplate(template, ENV).ref('Pool'));
    expect(resolved.ref('UserPool')).toMatch(/^us-west-2_[a-z0-9]{9}$/);
    expect(resolved.getAtt('UserPool', 'ProviderName')).toBe(
      `cognito-idp.us-west-2.amazonaws.com/${resolved.ref('UserPool')}`,
    );
  });

  test('Fn::GetAtt in list and dotted-string forms', () => {
    expect(resolveOutput({ 'Fn::GetAtt': ['WebRole99', 'Arn'] }, template)).toBe(
      resolved.getAtt('WebRole99', 'Arn'),
    );
    expect(resolveOutput({ 'Fn::GetAtt': 'WebRole99.Arn' }, template)).toBe(
      resolved.getAtt('WebRole99', 'Arn'),
    );
  });

  test('properties are resolved in place', () => {
    expect(resolved.resources.NamedRole.Properties.RoleName).toBe('Probe-named');
  });

  test('options.resources overrides or adds physical ids', () => {
    const custom = withResources({ Thing: { Type: 'Custom::Thing' } });
    const options = { ...ENV, resources: { Thing: { ref: 'thing-1', attributes: { Arn: 'arn:thing' } } } };
    expect(
      resolveOutput(
        { 'Fn::Join': ['|', [{ Ref: 'Thing' }, { 'Fn::GetAtt': ['Thing', 'Arn'] }]] },
        custom,
        options,
      ),
    ).toBe('thing-1|arn:thing');
  });
});

describe('functions', () => {
  const template: CfnTemplate = {
    Resources: { B: { Type: 'AWS::S3::Bucket' } },
    Parameters: { Stage: { Default: 'dev' }, NoDefault: {} },
  };

  test('Fn::Join, including nested intrinsics', () => {
    const arn = {
      'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/users/${aws:PrincipalTag/okta_sub}/*']],
    };
    expect(resolveOutput(arn, template)).toBe('arn:aws:s3:::b/users/${aws:PrincipalTag/okta_sub}/*');
  });

  test('Fn::Sub, string form and [string, variables] form, with ${!Literal} escapes', () => {
    expect(resolveOutput({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${B}/${!aws:username}' }, template)).toBe(
      'arn:aws:s3:::b/${aws:username}',
    );
    expect(resolveOutput({ 'Fn::Sub': ['${B.Arn}/${Folder}', { Folder: { Ref: 'Stage' } }] }, template)).toBe(
      'arn:aws:s3:::b/dev',
    );
  });

  test('Fn::Split and Fn::Select', () => {
    expect(resolveOutput({ 'Fn::Split': ['/', 'a/b/c'] }, template)).toEqual(['a', 'b', 'c']);
    expect(
      resolveOutput(
        { 'Fn::Select': ['1', { 'Fn::Split': [':', { 'Fn::GetAtt': ['B', 'Arn'] }] }] },
        template,
      ),
    ).toBe('aws');
    expect(() => resolveOutput({ 'Fn::Select': [3, ['a']] }, template)).toThrow(/out of range/);
  });

  test('parameters resolve to a supplied value or their default', () => {
    expect(resolveOutput({ Ref: 'Stage' }, template)).toBe('dev');
    expect(resolveOutput({ Ref: 'Stage' }, template, { ...ENV, parameters: { Stage: 'prod' } })).toBe('prod');
    expect(() => resolveOutput({ Ref: 'NoDefault' }, template)).toThrow(/NoDefault has no value/);
  });
});

describe('fails loudly', () => {
  test('on an unknown intrinsic, naming its path', () => {
    expect(() => resolveOutput({ 'Fn::If': ['C', 'a', 'b'] })).toThrow(
      'Outputs.Value.Value.Fn::If: intrinsic Fn::If',
    );
  });

  test('on a Ref to nothing', () => {
    expect(() => resolveOutput({ Ref: 'Missing' })).toThrow(/Missing is neither a resource/);
  });

  test('on an attribute it has no value for, naming the logical id', () => {
    const template = withResources({ B: { Type: 'AWS::S3::Bucket' } });
    expect(() => resolveOutput({ 'Fn::GetAtt': ['B', 'WebsiteURL'] }, template)).toThrow(
      /B\.WebsiteURL \(AWS::S3::Bucket\)/,
    );
  });

  test('on a resource type it has no rule for', () => {
    const template = withResources({ Q: { Type: 'AWS::Kinesis::Stream' } });
    expect(() => resolveOutput({ Ref: 'Q' }, template)).toThrow(
      /no test physical id for Q \(AWS::Kinesis::Stream\)/,
    );
  });

  test('on a Sub variable that is neither a resource nor a parameter', () => {
    expect(() => resolveOutput({ 'Fn::Sub': 'users/${aws:PrincipalTag/okta_sub}' })).toThrow(
      /aws:PrincipalTag/,
    );
  });
});

test('resolves the synthesized stack with no intrinsic left', () => {
  const resolved = resolveTemplate(templateJson() as CfnTemplate);
  const text = JSON.stringify([resolved.resources, resolved.outputs]);
  expect(text).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
  expect(resolved.outputs.BucketName).toMatch(/^storagedata[0-9a-z]+$/);
});

describe('frozen templates, shared by the tests', () => {
  const template = (): CfnTemplate => ({
    Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { Ref: 'AWS::AccountId' } } } },
  });

  test('a frozen template is resolved once per options, and its resolution is frozen', () => {
    const frozen = Object.freeze(template());
    const first = resolveTemplate(frozen, ENV);
    expect(resolveTemplate(frozen, ENV)).toBe(first);
    expect(resolveTemplate(frozen, { ...ENV, account: '444455556666' })).not.toBe(first);
    expect(
      resolveTemplate(frozen, { ...ENV, account: '444455556666' }).resources.Bucket.Properties.BucketName,
    ).toBe('444455556666');
    expect(() => {
      (first.resources.Bucket.Properties as Record<string, unknown>).BucketName = 'changed';
    }).toThrow(TypeError);
  });

  test('a template that may still change is resolved afresh each time, and may be changed', () => {
    const open = template();
    const first = resolveTemplate(open, ENV);
    (open.Resources as any).Bucket.Properties.BucketName = 'named';
    expect(resolveTemplate(open, ENV).resources.Bucket.Properties.BucketName).toBe('named');
    expect(first.resources.Bucket.Properties.BucketName).toBe('111122223333');
  });

  test('the templates the test run shares are frozen: a test changes a copy', () => {
    const shared = templateJson();
    expect(Object.isFrozen(shared.Resources)).toBe(true);
    expect(() => {
      shared.Resources.Changed = {};
    }).toThrow(TypeError);
  });
});
