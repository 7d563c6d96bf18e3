/**
 * Pieces the sharing screens share: the signed-in person's sharing calls (or why there are none
 * yet), the prompt to confirm the sign-in, and a link shown with a Copy button.
 */
import { createElement as h, useEffect, useId, useState, type ReactNode } from 'react';
import { ownerApi, SharingProblem, type OwnerApi } from './sharing-api';
import type { SharingSession } from './session';

/** What the sharing screens need from the page. */
export interface SharingDeps {
  /** The presign API's base URL (`okta-s3-client.json`'s `presignApi.url`). */
  readonly apiUrl: string;
  /** This site's origin: file-request links point at its visitor page. */
  readonly pageOrigin: string;
  readonly session: () => Promise<SharingSession>;
  /** Sends the browser through the sharing sign-in, back to this page. */
  readonly confirmSignIn: () => void;
}

export type OwnerState =
  | { readonly state: 'loading' }
  | { readonly state: 'needs-sign-in' | 'someone-else' }
  | { readonly state: 'ready'; readonly api: OwnerApi };

/** The owner's API once the sharing sign-in is there. */
export function useOwnerApi(deps: SharingDeps): OwnerState {
  const [state, setState] = useState<OwnerState>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    deps.session().then((session) => {
      if (!live) return;
      setState(
        session.state === 'ready'
          ? { state: 'ready', api: ownerApi(deps.apiUrl, session.idToken) }
          : { state: session.state },
      );
    });
    return () => {
      live = false;
    };
  }, [deps]);
  return state;
}

/** Shown until the sharing sign-in is confirmed (or when it is someone else's). */
export function SignInPrompt({ deps, state }: { deps: SharingDeps; state: OwnerState['state'] }) {
  if (state === 'loading') return h('p', { role: 'status' }, 'Loading…');
  return h(
    'div',
    { className: 'sharing-prompt' },
    h(
      'p',
      null,
      state === 'someone-else'
        ? 'Sharing is signed in as someone else in this browser. Confirm your own sign-in to continue.'
        : 'Sharing needs you to confirm your sign-in once. You come back here afterwards.',
    ),
    h('button', { type: 'button', className: 'primary', onClick: deps.confirmSignIn }, 'Confirm sign-in'),
  );
}

/** A message for a failed call: the problem's own words, or a generic one. */
export const messageOf = (error: unknown) =>
  error instanceof SharingProblem ? error.message : 'Something went wrong. Try again in a minute.';

/**
 * A failed list: the API of a deployment without sharing has no such method, which API Gateway
 * answers with 403 (and the local stack as it does).
 */
export const listProblemOf = (error: unknown) =>
  error instanceof SharingProblem && (error.status === 403 || error.status === 404)
    ? 'Sharing is not turned on for your organisation. Ask your administrator.'
    : messageOf(error);

/** A new link, in a read-only field a person can select, with a Copy button and its confirmation. */
export function LinkToCopy({ label, url, children }: { label: string; url: string; children?: ReactNode }) {
  const id = useId();
  const [copied, setCopied] = useState<string>('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied. Paste it into an e-mail or a chat.');
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied('Your browser did not let us copy: the link is selected, press Ctrl+C (⌘C on a Mac).');
    }
  };
  return h(
    'div',
    { className: 'sharing-link' },
    h('label', { htmlFor: id }, label),
    h(
      'div',
      { className: 'sharing-link-row' },
      h('input', { id, readOnly: true, value: url, onFocus: (e) => e.currentTarget.select() }),
      h('button', { type: 'button', className: 'primary', onClick: copy }, 'Copy link'),
    ),
    h('p', { role: 'status', className: 'sharing-status' }, copied),
    children,
  );
}

/** A Stop button that asks first, in place: "Stop this link?" with Stop and Keep. */
export function StopButton({
  what,
  warning,
  onStop,
}: {
  what: string;
  warning: string;
  onStop: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking)
    return h(
      'button',
      { type: 'button', className: 'danger', 'aria-label': `Stop ${what}`, onClick: () => setAsking(true) },
      'Stop',
    );
  return h(
    'div',
    { className: 'sharing-confirm', role: 'group', 'aria-label': `Stop ${what}?` },
    h('p', null, warning),
    h(
      'button',
      {
        type: 'button',
        className: 'danger',
        disabled: busy,
        onClick: async () => {
          setBusy(true);
          try {
            await onStop();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        },
      },
      'Yes, stop it',
    ),
    h('button', { type: 'button', onClick: () => setAsking(false) }, 'Keep it'),
  );
}
