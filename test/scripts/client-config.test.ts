import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  amplifyOutputs,
  ClientConfigError,
  frontEndConfig,
  parseClientConfigArgs,
  REQUIRED_OUTPUTS,
  stackOutputs,
  writeClientConfig,
} from '../../cli/client-config/main';
import { templateJson } from '../support/template-cache';

const FIXTURE = path.join(__dirname, 'fixtures', 'outputs.json');
const document = () => JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
const prod = () => stackOutputs(document(), 'OktaS3Storage-prod').outputs;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'client-config-'));

describe('client-config', () => {
  test('the stack emits every output the script needs', () => {
    const outputs = Object.keys(templateJson().Outputs);
    expect(outputs).toEqual(expect.arrayContaining([...REQUIRED_OUTPUTS]));
  });

  test('builds amplify_outputs.json auth and storage sections', () => {
    const amplify = amplifyOutputs(prod());
    expect(amplify.version).toBe('1.3');
    expect(amplify.auth).toMatchObject({
      aws_region: 'eu-west-1',
      user_pool_id: 'eu-west-1_AbCdEfGhI',
      user_pool_client_id: '1a2b3c4d5e6f7g8h9i0jklmnop',
      unauthenticated_identities_enabled: false,
      oauth: {
        domain: 'example-okta-files.auth.eu-west-1.amazoncognito.com',
        redirect_sign_in_uri: ['https://files.example.com/callback'],
        redirect_sign_out_uri: ['https://files.example.com/'],
        response_type: 'code',
      },
    });
    // The identity pool federates Okta, not the user pool: Amplify must not trade user-pool tokens there.
    expect(amplify.auth).not.toHaveProperty('identity_pool_id');
    expect(amplify.storage).toEqual({
      aws_region: 'eu-west-1',
      bucket_name: 'oktas3storage-prod-storagedata6bb23f4e-1a2b3c4d5e6f',
      buckets: [
        {
          name: 'userFiles',
          bucket_name: 'oktas3storage-prod-storagedata6bb23f4e-1a2b3c4d5e6f',
          aws_region: 'eu-west-1',
        },
      ],
    });
  });

  test('builds the front-end config with the identity pool Logins key and the API URL', () => {
    const config = frontEndConfig(prod());
    expect(config.identityPool.loginsKey).toBe('example.okta.com/oauth2/default');
    expect(config.okta.clientIds).toEqual(['0oaEXAMPLEspa0000000', '0oaEXAMPLEios0000000']);
    expect(config.presignApi.url).toBe('https://abc123defg.execute-api.eu-west-1.amazonaws.com/v1/');
    expect(config.presignApi.userPool.identityProvider).toBe('Okta');
  });

  test('says sharing is on exactly when the stack has a sharing table (the web client shows its sharing screens then)', () => {
    expect(frontEndConfig(prod()).presignApi).not.toHaveProperty('sharing');
    const withSharing = { ...prod(), SharingTableName: 'OktaS3Storage-prod-Sharing-1A2B' };
    expect(frontEndConfig(withSharing).presignApi).toMatchObject({ sharing: true });
  });

  test.each([
    [{}, undefined, 'holds 0 stacks (none): pick one with --stack'],
    [document(), undefined, 'holds 2 stacks (OktaS3Storage-prod, SomeOtherStack): pick one with --stack'],
    [document(), 'Nope', 'Stack "Nope" is not in the outputs file'],
    [
      document(),
      'SomeOtherStack',
      `Stack "SomeOtherStack" is missing outputs: ${REQUIRED_OUTPUTS.join(', ')}`,
    ],
    [[1, 2], undefined, 'must be a JSON object of stacks'],
  ])('rejects %j (stack %s) with a clear error', (doc, stack, message) => {
    expect(() => stackOutputs(doc, stack)).toThrow(ClientConfigError);
    expect(() => stackOutputs(doc, stack)).toThrow(message);
  });

  test('names exactly the outputs that are missing', () => {
    const partial = document();
    delete partial['OktaS3Storage-prod'].ApiUrl;
    partial['OktaS3Storage-prod'].UserPoolId = '';
    expect(() => stackOutputs(partial, 'OktaS3Storage-prod')).toThrow(
      'is missing outputs: UserPoolId, ApiUrl.',
    );
  });

  test('writes both files', () => {
    const dir = tmp();
    const written = writeClientConfig(FIXTURE, { stack: 'OktaS3Storage-prod', outDir: dir });
    expect(written.map((f) => path.basename(f))).toEqual(['amplify_outputs.json', 'okta-s3-client.json']);
    expect(JSON.parse(fs.readFileSync(written[0], 'utf8'))).toEqual(amplifyOutputs(prod()));
  });

  test('reads --outputs (default outputs.json), in any order, either flag form', () => {
    expect(parseClientConfigArgs(['--out-dir=public', '--outputs', 'o.json', '--stack', 'S'])).toEqual({
      outputsFile: 'o.json',
      stack: 'S',
      outDir: 'public',
      help: false,
      deprecation: undefined,
    });
    expect(parseClientConfigArgs([])).toMatchObject({ outputsFile: 'outputs.json', help: false });
    expect(() => parseClientConfigArgs(['--outputs', 'a.json', 'b.json'])).toThrow(
      'two outputs files: --outputs a.json and b.json',
    );
  });

  test('an outputs file whose HostedDomain is no URL: a clear error, not a TypeError', () => {
    const doc = document();
    doc['OktaS3Storage-prod'].HostedDomain = 'not a url';
    expect(() => amplifyOutputs(stackOutputs(doc, 'OktaS3Storage-prod').outputs)).toThrow(ClientConfigError);
  });
});
