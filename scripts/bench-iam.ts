/**
 * The IAM simulator's cost per decision, which sets the price of the IAM matrix, the team matrix
 * and the AWS model in `npm test`. Measured on the example prod template's identity-pool role.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { bucketPolicyOf, decide, identityPoliciesOf, sessionArnOf } from '../emulator/iam/simulate';
import { resolveTemplate } from '../emulator/iam/resolve-template';

const DECISIONS = 400;

/** `outdir`: a `cdk synth` output of the example configuration. */
export async function iamDecisionSection(outdir: string) {
  const file = path.join(outdir, 'OktaS3Storage-prod.template.json');
  const template = resolveTemplate(JSON.parse(fs.readFileSync(file, 'utf8')), {
    account: '111111111111',
    region: 'eu-west-1',
  });
  const id = (type: string, prefix: string) =>
    Object.keys(template.resources).find((k) => k.startsWith(prefix) && template.resources[k].Type === type)!;
  const role = id('AWS::IAM::Role', 'IdentityPoolAuthenticatedRole');
  const bucket = id('AWS::S3::Bucket', 'StorageData');
  const request = (key: string, context: Record<string, string>) => ({
    identityPolicies: identityPoliciesOf(template, role),
    resourcePolicy: bucketPolicyOf(template, bucket),
    action: 's3:GetObject',
    resource: `arn:aws:s3:::${template.ref(bucket)}/${key}`,
    principal: sessionArnOf(template, role, 'bench'),
    context: { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3', ...context },
  });
  const rows: string[][] = [];
  for (const [label, key, context] of [
    ['own prefix (principal tag)', 'users/00uA/f.txt', { 'aws:PrincipalTag/okta_sub': '00uA' }],
    [
      'team folder (two tags)',
      'teams/finance/f.txt',
      { 'aws:PrincipalTag/okta_sub': '00uA', 'aws:PrincipalTag/okta_teams': ':finance=rw:' },
    ],
  ] as const) {
    const started = performance.now();
    for (let i = 0; i < DECISIONS; i++) await decide(request(key.replace('f.txt', `f${i}.txt`), context));
    rows.push([label, String(DECISIONS), ((performance.now() - started) / DECISIONS).toFixed(2)]);
  }
  return {
    title: 'IAM simulator (one decision, identity policies + bucket policy)',
    columns: ['request', 'decisions', 'ms per decision'],
    rows,
    note: 'the IAM and team matrices, the AWS model and verify’s offline tests make a few thousand of these per npm test',
  };
}
