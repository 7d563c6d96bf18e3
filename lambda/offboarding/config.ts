/** The offboarding functions' settings, from the environment the construct sets. */
export interface OffboardingConfig {
  readonly bucket: string;
  readonly usersPrefix: string;
  readonly offboardedPrefix: string;
  readonly ledgerPrefix: string;
  readonly queueUrl: string;
}

export function readOffboardingConfig(env: NodeJS.ProcessEnv = process.env): OffboardingConfig {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`offboarding: environment variable ${name} is not set`);
    return value;
  };
  return {
    bucket: required('BUCKET_NAME'),
    usersPrefix: required('USERS_PREFIX'),
    offboardedPrefix: required('OFFBOARDED_PREFIX'),
    ledgerPrefix: required('LEDGER_PREFIX'),
    queueUrl: required('QUEUE_URL'),
  };
}

/** Writes one JSON log line (Lambda's JSON log format takes the object as it is). */
export function logLine(entry: Record<string, unknown>, error = false): void {
  const write = error ? console.error : console.info;
  write(process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON' ? entry : JSON.stringify(entry));
}
