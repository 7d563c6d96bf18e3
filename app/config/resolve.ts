import * as path from 'path';
import {
  DEFAULT_ID_TOKEN_VALIDITY_MINUTES,
  DEFAULT_MONITORING,
  DEFAULT_OFFBOARDING,
  DEFAULT_PRESIGN,
  DEFAULT_STORAGE,
  DEFAULT_WEB_CLIENT,
} from './defaults';
import { DEFAULT_TEAMS_PREFIX, TeamFolderAccess } from '../../lib/policy/team-folder-names';
import { OktaS3Config, ResolvedEnvironment, WebClientSettings } from './types';

/** The project folder: where okta-config.ts lives and relative paths in it start. */
export const PROJECT_DIR = path.join(__dirname, '..', '..');

/**
 * Fills in the defaults of one environment of an already validated configuration; the web
 * client's folder is resolved against `projectDir`.
 */
export function resolveEnvironment(
  config: OktaS3Config,
  name: string,
  projectDir: string = PROJECT_DIR,
): ResolvedEnvironment {
  const env = config.environments[name];
  if (!env) {
    throw new Error(
      `Unknown environment "${name}": expected one of ${Object.keys(config.environments).join(', ')}`,
    );
  }
  return {
    name,
    stackName: `${config.stackNamePrefix}-${name}`,
    account: env.account,
    region: env.region,
    okta: config.okta,
    oidcProvider: env.oidcProvider ?? 'create',
    identityPoolAudiences: env.identityPoolAudiences,
    teamFolders: (env.teamFolders ?? []).map((t) => ({
      ...t,
      access: t.access === 'read' ? TeamFolderAccess.READ : TeamFolderAccess.READ_WRITE,
    })),
    teamsPrefix: env.teamsPrefix ?? DEFAULT_TEAMS_PREFIX,
    compliance: env.compliance ?? 'default',
    malwareScanning: env.malwareScanning ?? 'off',
    allowedOrigins: env.allowedOrigins,
    allowAnyOrigin: env.allowAnyOrigin ?? false,
    storage: { ...DEFAULT_STORAGE, ...env.storage },
    presign: { ...DEFAULT_PRESIGN, ...env.presign },
    monitoring: { ...DEFAULT_MONITORING, ...env.monitoring },
    userPool: {
      ...env.userPool,
      idTokenValidityMinutes: env.userPool.idTokenValidityMinutes ?? DEFAULT_ID_TOKEN_VALIDITY_MINUTES,
    },
    workflows: env.workflows,
    offboarding: env.offboarding && { ...DEFAULT_OFFBOARDING, ...env.offboarding },
    webClient: webClientOf({ ...DEFAULT_WEB_CLIENT, ...env.webClient }, projectDir),
  };
}

function webClientOf(settings: WebClientSettings, projectDir: string): WebClientSettings {
  return { ...settings, path: path.resolve(projectDir, settings.path) };
}
