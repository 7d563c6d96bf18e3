import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';

/** Claims of an ID token to mint. `null` removes a claim the mock server would set. */
export interface IdTokenClaims {
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly amr?: readonly string[];
  readonly [claim: string]: unknown;
}

declare const verified: unique symbol;

/** Claims that passed signature, issuer, expiry (and, when asked, audience) checks. Only `verify` makes these. */
export type VerifiedClaims = Readonly<Record<string, unknown>> & {
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly iss: string;
  readonly [verified]: true;
};

export interface OidcIssuer {
  /** `http://127.0.0.1:<port>`: the `iss` of every token (unless `issuerUrl` was given), with `/jwks` beside it. */
  readonly url: string;
  /** Where the signing keys are served (`<listening url>/jwks`), whatever the `iss`. */
  readonly jwksUrl: string;
  mintIdToken(claims: IdTokenClaims, options?: { expiresInSeconds?: number }): Promise<string>;
  /**
   * Verifies with jose against `<url>/jwks`; rejects with jose's error `code` on any failure. Without
   * `audience` the caller checks the client id itself (a Cognito identity pool reads `azp` first).
   */
  verify(token: string, audience?: string | readonly string[]): Promise<VerifiedClaims>;
  stop(): Promise<void>;
}

/**
 * oauth2-mock-server 8 and jose 6 are ES modules, which this CommonJS code cannot require on Node
 * 20 without experimental flags (compiled to CommonJS, even `import()` becomes `require`). So the
 * issuer runs in a plain Node child process and answers over IPC.
 */
const CHILD_SCRIPT = `
import { OAuth2Server } from 'oauth2-mock-server';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
const url = 'http://127.0.0.1:' + server.address().port;
// The iss of its tokens: its own URL (it would say localhost otherwise), or the public URL of a
// front that serves the sign-in pages and passes /jwks on (npm run local).
const iss = process.env.OIDC_ISSUER_URL || url;
server.issuer.url = iss;
const jwks = createRemoteJWKSet(new URL(url + '/jwks'));

const handlers = {
  mint: ({ claims, expiresInSeconds }) =>
    server.issuer.buildToken({
      expiresIn: expiresInSeconds,
      scopesOrTransform: (_header, payload) => {
        for (const [name, value] of Object.entries(claims)) {
          if (value === null) delete payload[name];
          else payload[name] = value;
        }
      },
    }),
  verify: async ({ token, audience }) =>
    (await jwtVerify(token, jwks, { issuer: iss, audience, algorithms: ['RS256'] })).payload,
  stop: () => server.stop(),
};

process.on('message', async ({ id, op, args }) => {
  try {
    const result = await handlers[op](args);
    process.send({ id, result }, () => op === 'stop' && process.exit(0));
  } catch (error) {
    process.send({ id, error: { message: String(error.message ?? error), code: error.code } });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: url, iss });
`;

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

interface Reply {
  readonly id?: number;
  readonly ready?: string;
  readonly result?: unknown;
  readonly error?: { message: string; code?: string };
}

/**
 * Starts a local OIDC issuer on 127.0.0.1 with a fresh RS256 key. Call `stop()` in `afterAll`.
 * `issuerUrl` makes another URL the `iss` of its tokens: a server in front of it that answers there.
 */
export async function startOidcIssuer(options: { issuerUrl?: string } = {}): Promise<OidcIssuer> {
  // cwd decides where the child's bare imports resolve: this project's node_modules.
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, OIDC_ISSUER_URL: options.issuerUrl ?? '' },
  });
  const listening = await waitUntilReady(child);
  const url = options.issuerUrl ?? listening;
  const call = ipcCaller(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    url,
    jwksUrl: `${listening}/jwks`,
    mintIdToken: (claims, options = {}) =>
      call('mint', { claims, expiresInSeconds: options.expiresInSeconds }) as Promise<string>,
    verify: (token, audience) => call('verify', { token, audience }) as Promise<VerifiedClaims>,
    stop: async () => {
      if (child.exitCode === null && child.connected) await call('stop', {});
      await exited;
    },
  };
}

function waitUntilReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`OIDC issuer exited early with code ${code}`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message: Reply) => {
      child.off('exit', onExit);
      if (message.ready) resolve(message.ready);
      else reject(new Error(`OIDC issuer sent ${JSON.stringify(message)} before it was ready`));
    });
  });
}

function ipcCaller(child: ChildProcess) {
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (message: Reply) => {
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter || message.id === undefined) return;
    pending.delete(message.id);
    if (message.error)
      waiter.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    else waiter.resolve(message.result);
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('OIDC issuer exited'));
    pending.clear();
  });
  return (op: string, args: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, args });
    });
}
