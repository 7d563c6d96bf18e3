/* The team-folder types of the public API (jsii structs and enums live in files of their own). */

/** What a team folder's members may do. */
export enum TeamFolderAccess {
  /** Get and list. */
  READ = 'read',
  /** Get and list, put, delete (a delete marker: versions stay), abort multipart uploads. */
  READ_WRITE = 'read-write',
}

/** One Okta group's access to one team folder. */
export interface TeamFolder {
  /** The Okta group whose members get the folder, by its name in Okta. */
  readonly group: string;
  /** What the group's members may do in the folder. */
  readonly access: TeamFolderAccess;
  /**
   * The folder under the teams prefix. Several groups may share one folder with different access.
   * @default - the group name
   */
  readonly folder?: string;
}
