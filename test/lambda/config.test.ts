import { PRESIGN_ENV, readConfig } from '../../lambda/presign/config';

const VALID = {
  BUCKET_NAME: 'user-files-123',
  PRESIGN_ROLE_ARN: 'arn:aws:iam::123456789012:role/Store-PresignRole-ABC',
  URL_EXPIRY_SECONDS: '300',
  MAX_UPLOAD_BYTES: '104857600',
  MAX_MULTIPART_UPLOAD_BYTES: '10737418240',
  LIST_PAGE_SIZE: '100',
  ALLOWED_ORIGINS: 'https://files.example.com,http://localhost:5173',
  IDENTITY_PROVIDER_NAME: 'Okta',
  ALLOWED_CLIENT_IDS: '4b1abcdefghijklmnopqrstu12, mobile0client0id',
  USERS_PREFIX: 'users/',
  TEAMS_PREFIX: 'teams/',
  TEAM_FOLDERS: 'finance=rw,finance=r,fin=rw,auditors=r',
  TEAM_MEMBERSHIP_MAX_AGE_SECONDS: '1800',
  MALWARE_SCANNING: 'guardduty',
  AWS_REGION: 'eu-west-1',
};

describe('readConfig', () => {
  it('reads every variable', () => {
    expect(readConfig(VALID)).toEqual({
      bucketName: 'user-files-123',
      presignRoleArn: VALID.PRESIGN_ROLE_ARN,
      urlExpirySeconds: 300,
      maxUploadBytes: 104857600,
      maxMultipartUploadBytes: 10737418240,
      listPageSize: 100,
      allowedOrigins: ['https://files.example.com', 'http://localhost:5173'],
      identityProviderName: 'Okta',
      allowedClientIds: ['4b1abcdefghijklmnopqrstu12', 'mobile0client0id'],
      usersPrefix: 'users/',
      teamsPrefix: 'teams/',
      teamFolders: ['finance=rw', 'finance=r', 'fin=rw', 'auditors=r'],
      teamMembershipMaxAgeSeconds: 1800,
      malwareScanning: 'guardduty',
      region: 'eu-west-1',
    });
  });

  it('has no team folders, teams/ and a one-hour membership age when the team variables are unset', () => {
    const { TEAMS_PREFIX, TEAM_FOLDERS, TEAM_MEMBERSHIP_MAX_AGE_SECONDS, ...withoutTeams } = VALID;
    void [TEAMS_PREFIX, TEAM_FOLDERS, TEAM_MEMBERSHIP_MAX_AGE_SECONDS];
    const config = readConfig(withoutTeams);
    expect([config.teamFolders, config.teamsPrefix, config.teamMembershipMaxAgeSeconds]).toEqual([
      [],
      'teams/',
      3600,
    ]);
    expect(readConfig({ ...VALID, TEAM_FOLDERS: '' }).teamFolders).toEqual([]);
  });

  it('caps multipart uploads at 5 GiB when MAX_MULTIPART_UPLOAD_BYTES is unset, and at S3’s 48.8 TiB at most', () => {
    const { MAX_MULTIPART_UPLOAD_BYTES, ...unset } = VALID;
    void MAX_MULTIPART_UPLOAD_BYTES;
    expect(readConfig(unset).maxMultipartUploadBytes).toBe(5 * 1024 ** 3);
    expect(
      readConfig({ ...VALID, MAX_MULTIPART_UPLOAD_BYTES: String(10_000 * 5 * 1024 ** 3) })
        .maxMultipartUploadBytes,
    ).toBe(53_687_091_200_000);
    for (const bad of ['0', String(10_000 * 5 * 1024 ** 3 + 1), '1e9', '']) {
      expect(() => readConfig({ ...VALID, MAX_MULTIPART_UPLOAD_BYTES: bad })).toThrow(
        /MAX_MULTIPART_UPLOAD_BYTES must be an integer in 1\.\.53687091200000/,
      );
    }
  });

  it('refuses a teams prefix that contains the users prefix, or the reverse', () => {
    expect(() => readConfig({ ...VALID, TEAMS_PREFIX: 'users/teams/' })).toThrow(
      'TEAMS_PREFIX and USERS_PREFIX must not contain one another',
    );
    expect(() => readConfig({ ...VALID, USERS_PREFIX: 'teams/users/' })).toThrow(
      'TEAMS_PREFIX and USERS_PREFIX must not contain one another',
    );
  });

  it('takes USERS_PREFIX from the construct, and refuses one that would widen or misplace keys', () => {
    expect(readConfig({ ...VALID, USERS_PREFIX: 'tenants/acme/' }).usersPrefix).toBe('tenants/acme/');
    for (const bad of ['', 'users', '/users/', 'users/*/', 'a/../b/', 'users//']) {
      expect(() => readConfig({ ...VALID, USERS_PREFIX: bad })).toThrow(
        /USERS_PREFIX must be folder segments/,
      );
    }
  });

  it.each([undefined, ''])('accepts any app client of the pool when ALLOWED_CLIENT_IDS is %j', (value) => {
    expect(readConfig({ ...VALID, ALLOWED_CLIENT_IDS: value }).allowedClientIds).toEqual([]);
  });

  // Cognito's ProviderName rule (see isCognitoProviderName): 3-32 characters, no whitespace, no `_` after the first.
  it.each(['Okt', 'Okta', 'Workforce.Okta-2', 'Okta—Ü', 'a'.repeat(32)])(
    'accepts the provider name %j',
    (name) => {
      expect(readConfig({ ...VALID, IDENTITY_PROVIDER_NAME: name }).identityProviderName).toBe(name);
    },
  );

  it('names the variables the CDK side sets', () => {
    expect(Object.values(PRESIGN_ENV).sort()).toEqual(Object.keys(VALID).sort());
  });

  it('lists every bad variable in one error', () => {
    const bad = {
      ...VALID,
      BUCKET_NAME: 'Bad_Bucket',
      URL_EXPIRY_SECONDS: '3600',
      LIST_PAGE_SIZE: '0',
      ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/path',
      IDENTITY_PROVIDER_NAME: undefined,
      ALLOWED_CLIENT_IDS: 'ok,not-ok',
      AWS_REGION: undefined,
    };
    expect(() => readConfig(bad)).toThrow(
      /BUCKET_NAME.*URL_EXPIRY_SECONDS must be an integer in 60\.\.1800.*LIST_PAGE_SIZE.*ALLOWED_ORIGINS.*IDENTITY_PROVIDER_NAME.*ALLOWED_CLIENT_IDS.*AWS_REGION/,
    );
  });

  it.each([
    ['URL_EXPIRY_SECONDS', '59'],
    ['URL_EXPIRY_SECONDS', '1801'],
    ['URL_EXPIRY_SECONDS', '300.5'],
    ['MAX_UPLOAD_BYTES', String(5 * 1024 ** 3 + 1)],
    ['MAX_UPLOAD_BYTES', '-1'],
    ['LIST_PAGE_SIZE', '1001'],
    ['PRESIGN_ROLE_ARN', 'arn:aws:iam::123456789012:user/someone'],
    ['ALLOWED_ORIGINS', ''],
    ['IDENTITY_PROVIDER_NAME', ''],
    ['IDENTITY_PROVIDER_NAME', 'a'.repeat(33)],
    ['IDENTITY_PROVIDER_NAME', '_Okta'],
    ['IDENTITY_PROVIDER_NAME', 'Ok'],
    ['IDENTITY_PROVIDER_NAME', 'Okta_2'],
    ['IDENTITY_PROVIDER_NAME', 'Ok ta'],
    ['IDENTITY_PROVIDER_NAME', 'Okta\n'],
    ['ALLOWED_CLIENT_IDS', 'abc,'],
    ['ALLOWED_CLIENT_IDS', ' '],
    ['ALLOWED_CLIENT_IDS', 'abc_def'],
    ['ALLOWED_CLIENT_IDS', 'x'.repeat(129)],
    ['TEAMS_PREFIX', 'teams'],
    ['TEAMS_PREFIX', 'teams/*/'],
    ['TEAM_FOLDERS', 'finance=w'],
    ['TEAM_FOLDERS', 'finance'],
    ['TEAM_FOLDERS', 'fin*=r'],
    ['TEAM_FOLDERS', 'a/b=r'],
    ['TEAM_FOLDERS', 'a..b=r'],
    ['TEAM_FOLDERS', 'finance=rw,'],
    ['TEAM_FOLDERS', 'finance=rw, fin=r'],
    ['TEAM_MEMBERSHIP_MAX_AGE_SECONDS', '59'],
    ['TEAM_MEMBERSHIP_MAX_AGE_SECONDS', '86401'],
    ['TEAM_MEMBERSHIP_MAX_AGE_SECONDS', ''],
  ])('refuses %s=%j', (name, value) => {
    expect(() => readConfig({ ...VALID, [name]: value })).toThrow(name);
  });
});
