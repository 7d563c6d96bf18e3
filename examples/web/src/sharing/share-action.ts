/**
 * "Share" in the file browser's actions menu: Storage Browser's custom actions
 * (`createStorageBrowser({ actions: { custom } })`, @aws-amplify/ui-react-storage 3.x), with our
 * own view in the slot it opens. One file selected → a link that works for a chosen time.
 */
import { createElement as h, useEffect, useId, useState } from 'react';
import type { ActionHandler, CreateStorageBrowserOutput } from '@aws-amplify/ui-react-storage/browser';
import { LinkToCopy, listProblemOf, messageOf, SignInPrompt, useOwnerApi, type SharingDeps } from './common';
import type { OwnerApi, ShareLink } from './sharing-api';
import { defaultExpiryDays, expiryChoices, fileNameOf, formatWhen, shareLinkUrl } from './words';

/** What the Share view hands the action: the file and the person's choices. */
interface ShareData {
  readonly key: string;
  readonly expiresInDays: number;
  readonly version: ShareLink['version'];
  readonly api: OwnerApi;
  /** The link to send for a new link's token. */
  readonly url: (token: string) => string;
}

/** The task's value: the link to send and when it stops working. */
interface Shared {
  readonly url: string;
  readonly expiresAt: string;
}

const shareHandler: ActionHandler<ShareData, Shared> = ({ data }) => ({
  result: data.api.createLink(data.key, data.expiresInDays, data.version).then(
    (link) => ({
      status: 'COMPLETE' as const,
      value: { url: data.url(link.token), expiresAt: link.expiresAt },
    }),
    (error: unknown) => ({ status: 'FAILED' as const, message: messageOf(error) }),
  ),
});

/** The custom action: in the actions menu, enabled for exactly one selected file. */
export const SHARE_ACTIONS = {
  custom: {
    share: {
      viewName: 'ShareView' as const,
      handler: shareHandler,
      actionListItem: {
        icon: 'copy-file' as const,
        label: 'Share',
        disable: (selected?: readonly { type: string }[]) =>
          selected?.length !== 1 || selected[0].type !== 'FILE',
      },
    },
  },
};

type Output = Pick<CreateStorageBrowserOutput, 'useView' | 'useAction'>;

/** The view the Share action opens, in place of the file list. */
export function shareView(deps: SharingDeps, { useView, useAction }: Output) {
  return function ShareView() {
    const { dataItems, onActionExit } = useView('LocationDetail');
    const file = dataItems?.find((item) => item.type === 'FILE');
    const owner = useOwnerApi(deps);
    const [maxDays, setMaxDays] = useState<number | undefined>();
    const [problem, setProblem] = useState('');
    const [days, setDays] = useState(7);
    const [version, setVersion] = useState<ShareLink['version']>('pinned');
    const [{ task, isProcessing }, share] = useAction('share');
    const daysId = useId();
    const api = owner.state === 'ready' ? owner.api : undefined;

    useEffect(() => {
      api
        ?.listLinks()
        .then(({ limits }) => {
          setMaxDays(limits.maxLinkDays);
          setDays(defaultExpiryDays(limits.maxLinkDays));
        })
        .catch((error) => setProblem(listProblemOf(error)));
    }, [api]);

    const name = file ? fileNameOf(file.key) : '';
    const done = task?.status === 'COMPLETE' ? (task.value as Shared) : undefined;
    const exit = h('button', { type: 'button', onClick: onActionExit }, 'Back to files');
    const body = !file
      ? h('p', null, 'Select one file to share.')
      : !api
        ? h(SignInPrompt, { deps, state: owner.state })
        : done
          ? h(
              LinkToCopy,
              { label: `Link to ${name}`, url: done.url },
              h(
                'p',
                null,
                `Anyone with this link can download ${name} until ${formatWhen(done.expiresAt)}. `,
                'You can stop it at any time under Shared links.',
              ),
            )
          : maxDays === undefined
            ? h('p', { role: problem ? 'alert' : 'status' }, problem || 'Loading…')
            : h(
                'form',
                {
                  className: 'sharing-form',
                  onSubmit: (event: { preventDefault(): void }) => {
                    event.preventDefault();
                    share({
                      data: {
                        id: crypto.randomUUID(),
                        key: file.key,
                        expiresInDays: days,
                        version,
                        api,
                        url: (token: string) => shareLinkUrl(deps.apiUrl, token),
                      },
                    });
                  },
                },
                h('label', { htmlFor: daysId }, 'The link works for'),
                h(
                  'select',
                  {
                    id: daysId,
                    value: days,
                    onChange: (e: { currentTarget: HTMLSelectElement }) =>
                      setDays(Number(e.currentTarget.value)),
                  },
                  expiryChoices(maxDays).map((c) => h('option', { key: c.days, value: c.days }, c.label)),
                ),
                h(
                  'fieldset',
                  null,
                  h('legend', null, 'If the file is changed later, the link gives'),
                  radio('pinned', 'This version (the link stops if the file is replaced or deleted)'),
                  radio('latest', 'The latest version'),
                ),
                task?.status === 'FAILED'
                  ? h('p', { role: 'alert', className: 'sharing-problem' }, task.message)
                  : null,
                h(
                  'button',
                  { type: 'submit', className: 'primary', disabled: isProcessing },
                  isProcessing ? 'Creating link…' : 'Create link',
                ),
              );

    function radio(value: ShareLink['version'], label: string) {
      return h(
        'label',
        { className: 'sharing-choice', key: value },
        h('input', {
          type: 'radio',
          name: 'share-version',
          value,
          checked: version === value,
          onChange: () => setVersion(value),
        }),
        ` ${label}`,
      );
    }

    return h(
      'section',
      { className: 'sharing-panel', 'aria-labelledby': 'share-title' },
      h('h2', { id: 'share-title' }, file ? `Share ${name}` : 'Share a file'),
      body,
      exit,
    );
  };
}
