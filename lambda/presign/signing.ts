/** When and for how long a URL is signed: one signing date per request, so every URL of it agrees. */
export interface Signing {
  readonly signingDate: Date;
  readonly expiresIn: number;
}
