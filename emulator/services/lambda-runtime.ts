/**
 * What Lambda hands a function of the template when it runs it: its environment, with the
 * `AWS_REGION` Lambda sets in every function, and credentials, a session of its execution role
 * whose requests carry `lambda:SourceFunctionArn` ("Using the execution role's source function
 * ARN", Lambda developer guide,
 * https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html).
 */
import { sessionArnOf } from '../iam/simulate';
import type { IssuedCredentials, SessionStore } from './sessions';
import type { StackModel } from './stack-model';

export interface FunctionRuntime {
  readonly functionId: string;
  readonly functionName: string;
  readonly roleId: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly credentials: IssuedCredentials;
}

/** The logical ids of the template's functions whose environment sets `variable`. */
export function functionsWithVariable(model: StackModel, variable: string): string[] {
  return Object.entries(model.template.resources)
    .filter(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties.Environment as any)?.Variables?.[variable] !== undefined,
    )
    .map(([id]) => id);
}

/** Lambda's hand-over to one function; `label` names the caller in failure messages (`presign`). */
export function functionRuntime(
  model: StackModel,
  sessions: SessionStore,
  functionId: string,
  label: string,
): FunctionRuntime {
  const { template } = model;
  const fn = template.resources[functionId];
  const roleId = model.roleIdOf(String(fn.Properties.Role));
  if (!roleId)
    throw new Error(`The ${label} function's role ${String(fn.Properties.Role)} is not in the template`);
  const functionName = template.ref(functionId);
  const execution = sessions.issue({
    roleLogicalId: roleId,
    roleArn: template.getAtt(roleId, 'Arn'),
    sessionArn: sessionArnOf(template, roleId, functionName),
    tags: {},
    context: { 'lambda:SourceFunctionArn': template.getAtt(functionId, 'Arn') },
    issuedBy: `the Lambda runtime (${label})`,
    durationSeconds: 12 * 3600,
  });
  return {
    functionId,
    functionName,
    roleId,
    environment: { ...(fn.Properties.Environment as any)?.Variables, AWS_REGION: model.region },
    credentials: execution.credentials,
  };
}
