import { templateJson } from '../support/template-cache';
import { ResolvedTemplate, resolveTemplate } from '../../emulator/iam/resolve-template';

export const ACCOUNT = '123456789012';

/** The synthesized stack with every intrinsic resolved to test values, and its resources by role. */
export function resolvedStack(env: 'dev' | 'prod' = 'dev') {
  const template = resolveTemplate(templateJson(undefined, { env }), {
    account: env === 'dev' ? ACCOUNT : '210987654321',
    region: env === 'dev' ? 'eu-west-1' : 'us-east-1',
  });
  const only = (type: string, prefix: string) => {
    const ids = Object.keys(template.resources).filter(
      (id) => id.startsWith(prefix) && template.resources[id].Type === type,
    );
    if (ids.length !== 1)
      throw new Error(`Expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
    return ids[0];
  };
  const role = (prefix: string) => only('AWS::IAM::Role', prefix);
  return {
    template,
    ids: {
      dataBucket: only('AWS::S3::Bucket', 'StorageData'),
      identityPool: only('AWS::Cognito::IdentityPool', 'IdentityPool'),
      oidcProvider: only('AWS::IAM::OIDCProvider', 'OktaFederation'),
      identityPoolRole: role('IdentityPoolAuthenticatedRole'),
      unauthenticatedRole: role('IdentityPoolUnauthenticatedRole'),
      webIdentityRole: role('WebIdentityRole'),
      presignRole: role('PresignApiPresignRole'),
      executionRole: role('PresignApiHandlerRole'),
      workflowsRole: env === 'prod' ? role('WorkflowsConnectorRole') : '',
    },
  } satisfies { template: ResolvedTemplate; ids: Record<string, string> };
}
