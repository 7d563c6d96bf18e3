/**
 * Reads the file `cdk deploy --outputs-file outputs.json` writes. Shared by `okta-s3-storage verify`
 * and `npm run client-config`, so both agree on which stack is meant and what it must output.
 */
import * as fs from 'fs';

/** Every stack output a client, and the verifier, needs. */
export const REQUIRED_OUTPUTS = [
  'Region',
  'BucketName',
  'OktaIssuer',
  'OktaClientIds',
  'OidcProviderArn',
  'IdentityPoolId',
  'WebIdentityRoleArn',
  'UserPoolId',
  'UserPoolClientId',
  'UserPoolProviderName',
  'HostedDomain',
  'CallbackUrls',
  'LogoutUrls',
  'ApiUrl',
] as const;

/**
 * Outputs the verifier uses when present. A stack deployed before they existed lacks them; the
 * checks that need them are then skipped, naming the output.
 */
export const OPTIONAL_OUTPUTS = [
  'AllowedOrigins',
  'BucketEncryption',
  'AccessLogBucketName',
  'IdentityPoolRoleArn',
  'PresignRoleArn',
  'PresignHandlerRoleArn',
  'PresignFunctionArn',
  'IdTokenValidityMinutes',
  'WorkflowsConnectorRoleArn',
  'TeamFolders',
  'MalwareScanning',
] as const;

/** Outputs only a stack with malware scanning (`MalwareScanning` `guardduty`) has. */
export const SCANNING_OUTPUTS = ['MalwareProtectionPlanId', 'MalwareScanPrefixes'] as const;

export type RequiredOutput = (typeof REQUIRED_OUTPUTS)[number];
export type OptionalOutput = (typeof OPTIONAL_OUTPUTS)[number] | (typeof SCANNING_OUTPUTS)[number];
export type Outputs = Record<RequiredOutput, string> & Partial<Record<OptionalOutput, string>>;

/** A problem with the outputs file, worded for the person who ran the command. */
export class OutputsError extends Error {}

/** Picks one stack's outputs from a `--outputs-file` document and checks that nothing is missing. */
export function stackOutputs(document: unknown, stackName?: string): { stackName: string; outputs: Outputs } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new OutputsError(
      'The outputs file must be a JSON object of stacks, as `cdk deploy --outputs-file` writes it.',
    );
  }
  const stacks = document as Record<string, Record<string, string>>;
  const names = Object.keys(stacks);
  const chosen = stackName ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen) {
    throw new OutputsError(
      `The outputs file holds ${names.length} stacks (${names.join(', ') || 'none'}): pick one with --stack.`,
    );
  }
  const outputs = stacks[chosen];
  if (!outputs)
    throw new OutputsError(`Stack "${chosen}" is not in the outputs file (it has: ${names.join(', ')}).`);
  const missing = REQUIRED_OUTPUTS.filter((key) => typeof outputs[key] !== 'string' || outputs[key] === '');
  if (missing.length) {
    throw new OutputsError(
      `Stack "${chosen}" is missing outputs: ${missing.join(', ')}. Deploy the current stack and write the outputs file again.`,
    );
  }
  return { stackName: chosen, outputs: outputs as Outputs };
}

/** Reads and parses an outputs file, then picks the stack. */
export function readStackOutputs(
  outputsFile: string,
  stackName?: string,
): { stackName: string; outputs: Outputs } {
  if (!fs.existsSync(outputsFile)) {
    throw new OutputsError(
      `Outputs file not found: ${outputsFile}. Write it with: npx cdk deploy --outputs-file ${outputsFile}`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(outputsFile, 'utf8'));
  } catch (e) {
    throw new OutputsError(`Outputs file ${outputsFile} is not valid JSON: ${(e as Error).message}`);
  }
  return stackOutputs(document, stackName);
}

/** A comma-separated output as a list. */
export const listOutput = (csv: string | undefined): string[] => (csv ?? '').split(',').filter(Boolean);

/** One team folder of the `TeamFolders` output, with the highest access any group gives. */
export interface TeamFolderOutput {
  readonly folder: string;
  readonly access: 'read' | 'read-write';
}

/**
 * The `TeamFolders` output (`finance=read-write,audit=read`; `groups/finance=read` under another
 * teams prefix; `none`) as the teams prefix and its folders, or undefined for an older stack that
 * does not output it.
 */
export function teamFoldersOutput(
  value: string | undefined,
): { teamsPrefix: string; folders: TeamFolderOutput[] } | undefined {
  if (value === undefined) return undefined;
  let teamsPrefix = 'teams/';
  const folders = listOutput(value === 'none' ? '' : value).map((entry) => {
    const match = /^((?:[^/=,]+\/)*)([A-Za-z0-9][A-Za-z0-9._-]*)=(read|read-write)$/.exec(entry);
    if (!match)
      throw new OutputsError(
        `The TeamFolders output holds "${entry}", not <folder>=read or <folder>=read-write: write the outputs file again from the current stack.`,
      );
    if (match[1]) teamsPrefix = match[1];
    return { folder: match[2], access: match[3] as TeamFolderOutput['access'] };
  });
  return { teamsPrefix, folders };
}
