import {
  locationCredentialsHandler,
  toLocationCredentials,
} from '../../examples/web/src/file-browser/credentials';
import { accessOf, namedCrumbs, titleOf } from '../../examples/web/src/file-browser/location-names';
import { locationOfScope, locationsFor, MY_FILES } from '../../examples/web/src/file-browser/locations';

/*
 * The file browser's pure pieces: which locations a user is offered (their folder and their team
 * folders, read-only where the claim says so), and that Storage Browser gets the user's own
 * temporary credentials only for those locations.
 */
const SUB = '00uALICE000000000001';
const CREDS = { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: new Date(2e12) };

describe('file browser locations', () => {
  it('lists the user folder first, then each team folder of the claim, read-only where it says read', () => {
    const locations = locationsFor('bkt', SUB, ':finance=rw:audit=r:');
    expect(locations.map((l) => [l.prefix, l.permissions.join(',')])).toEqual([
      [`users/${SUB}/`, 'get,list,write,delete'],
      ['teams/audit/', 'get,list'],
      ['teams/finance/', 'get,list,write,delete'],
    ]);
  });

  it('offers only the user folder when the claim is absent or malformed', () => {
    expect(locationsFor('bkt', SUB, undefined)).toHaveLength(1);
    expect(locationsFor('bkt', SUB, ['finance=rw'])).toHaveLength(1);
  });

  it('refuses a user id that could step out of users/<sub>/', () => {
    expect(() => locationsFor('bkt', '../bob', undefined)).toThrow('no usable user id');
  });

  it('matches a scope inside a listed location and nothing else', () => {
    const locations = locationsFor('bkt', SUB, ':finance=r:');
    expect(locationOfScope(locations, `s3://bkt/users/${SUB}/*`)?.id).toBe('my-files');
    expect(locationOfScope(locations, `s3://bkt/users/${SUB}/reports/*`)?.id).toBe('my-files');
    expect(locationOfScope(locations, 's3://bkt/users/00uBOB00000000000002/*')).toBeUndefined();
    expect(locationOfScope(locations, 's3://other/teams/finance/*')).toBeUndefined();
    expect(locationOfScope(locations, `s3://bkt/users/${SUB}/../00uBOB/*`)).toBeUndefined();
  });
});

describe('file browser location names', () => {
  const locations = locationsFor('bkt', SUB, ':finance=rw:audit=r:');

  it('calls the user folder "My files" and a team folder by its name, with the access it gives', () => {
    expect(locations.map((l) => [l.name, accessOf(l)])).toEqual([
      [MY_FILES, 'Read and write'],
      ['audit', 'Read only'],
      ['finance', 'Read and write'],
    ]);
  });

  it('titles a folder by its location and the folders inside it', () => {
    expect(titleOf(locations, 'bkt', `users/${SUB}/`)).toBe('My files');
    expect(titleOf(locations, 'bkt', `users/${SUB}/reports/2026/`)).toBe('My files / reports / 2026');
    expect(titleOf(locations, 'bkt', 'teams/finance/q3/')).toBe('finance / q3');
    // Another bucket, or a prefix no location holds, has no name here.
    expect(titleOf(locations, 'other', `users/${SUB}/`)).toBeUndefined();
    expect(titleOf(locations, 'bkt', 'users/00uBOB00000000000002/')).toBeUndefined();
  });

  it('renames only the location part of breadcrumbs, as Storage Browser spells it in each place', () => {
    const onNavigate = () => undefined;
    const folder = [
      { name: 'Home' },
      { name: `bkt/users/${SUB}`, onNavigate },
      { name: 'reports', isCurrent: true },
    ];
    expect(namedCrumbs(locations, folder)).toEqual([
      { name: 'Home' },
      { name: 'My files', onNavigate },
      { name: 'reports', isCurrent: true },
    ]);
    const destination = [{ name: 'teams/finance' }, { name: 'teams' }];
    expect(namedCrumbs(locations, destination).map((c) => c.name)).toEqual(['finance', 'teams']);
    expect(namedCrumbs(locations, [{ name: 'other/users/' + SUB }])[0].name).toBe(`other/users/${SUB}`);
  });
});

describe('file browser credentials', () => {
  it('hands the signed-in user their own temporary credentials, expiry included', async () => {
    const handler = locationCredentialsHandler(locationsFor('bkt', SUB, undefined), async () => CREDS);
    await expect(handler({ scope: `s3://bkt/users/${SUB}/*` })).resolves.toEqual({ credentials: CREDS });
  });

  it('refuses a forged scope before asking for credentials', async () => {
    let asked = 0;
    const handler = locationCredentialsHandler(
      locationsFor('bkt', SUB, undefined),
      async () => (asked++, CREDS),
    );
    await expect(handler({ scope: 's3://bkt/users/00uBOB00000000000002/*' })).rejects.toThrow(
      'You do not have access to this folder.',
    );
    expect(asked).toBe(0);
  });

  it('refuses credentials without a session token or expiry', () => {
    expect(() => toLocationCredentials({ accessKeyId: 'AKIA', secretAccessKey: 's' })).toThrow('Sign out');
  });
});
