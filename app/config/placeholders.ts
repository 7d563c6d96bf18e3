/**
 * The example configuration's placeholder values, found by value wherever they are: a copy of
 * okta-config.example.ts renamed to okta-config.ts still holds them. Synth warns naming each
 * field; the stack then carries a CloudFormation rule that fails any deploy before a resource is
 * created (see OktaS3StorageStack).
 */
import { ResolvedEnvironment } from './types';

/** Hosts that stand for "your own": RFC 2606's example.com and the example's Okta org. */
const placeholderHost = (host: string) =>
  host === 'example.com' ||
  host.endsWith('.example.com') ||
  /^example(-admin)?\.okta(preview)?\.com$/.test(host);

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
};

const isPlaceholderUrl = (url: string) => placeholderHost(hostOf(url) ?? '');
/** `0oaEXAMPLEspa0000000`: the example's Okta client ids. */
const isPlaceholderClientId = (id: string) => /EXAMPLE/.test(id);
/** `111111111111`, `222222222222`: one digit twelve times, as the example writes them. */
const isPlaceholderAccount = (id: string) => /^(\d)\1{11}$/.test(id);
const isPlaceholderWord = (value: string) => /^example-/.test(value);

/**
 * Every field of one environment (and of the configuration's shared `okta` section) that still
 * holds a placeholder, as `field ("value")`, in the configuration's own paths.
 */
export function placeholderFields(env: ResolvedEnvironment): string[] {
  const at = `environments.${env.name}`;
  const found: string[] = [];
  const check = (field: string, value: string | undefined, isPlaceholder: (v: string) => boolean) => {
    if (value !== undefined && isPlaceholder(value)) found.push(`${field} (${JSON.stringify(value)})`);
  };
  const checkList = (field: string, values: readonly string[], isPlaceholder: (v: string) => boolean) =>
    values.forEach((v, i) => check(`${field}[${i}]`, v, isPlaceholder));
  check('okta.issuer', env.okta.issuer, isPlaceholderUrl);
  checkList('okta.clientIds', env.okta.clientIds, isPlaceholderClientId);
  check('okta.webClientId', env.okta.webClientId, isPlaceholderClientId);
  check(`${at}.account`, env.account, isPlaceholderAccount);
  checkList(`${at}.allowedOrigins`, env.allowedOrigins, isPlaceholderUrl);
  check(`${at}.userPool.domainPrefix`, env.userPool.domainPrefix, isPlaceholderWord);
  checkList(`${at}.userPool.callbackUrls`, env.userPool.callbackUrls, isPlaceholderUrl);
  checkList(`${at}.userPool.logoutUrls`, env.userPool.logoutUrls, isPlaceholderUrl);
  checkList(`${at}.monitoring.alarmEmails`, env.monitoring.alarmEmails, (e) =>
    placeholderHost(e.split('@')[1] ?? ''),
  );
  check(`${at}.workflows.accountId`, env.workflows?.accountId, isPlaceholderAccount);
  check(`${at}.workflows.externalId`, env.workflows?.externalId, isPlaceholderWord);
  if (env.webClient.enabled) {
    check(`${at}.webClient.domainName`, env.webClient.domainName, placeholderHost);
    check(`${at}.webClient.certificateArn`, env.webClient.certificateArn, (arn) =>
      isPlaceholderAccount(arn.split(':')[4] ?? ''),
    );
  }
  return found;
}
