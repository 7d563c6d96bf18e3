/**
 * The sections beside the file browser: "Files" (Storage Browser), "Shared links" (the links a
 * person made, with when each stops working and a Stop button) and "File requests" (ask someone
 * outside for files; list and stop those requests).
 */
import { createElement as h, useCallback, useEffect, useId, useState } from 'react';
import {
  LinkToCopy,
  listProblemOf,
  messageOf,
  SignInPrompt,
  StopButton,
  useOwnerApi,
  type SharingDeps,
} from './common';
import type { FileRequest, OwnerApi, ShareLink, SharingLimits } from './sharing-api';
import {
  defaultExpiryDays,
  expiryChoices,
  fileNameOf,
  folderProblem,
  formatWhen,
  humanSize,
  linkState,
  requestPageUrl,
  stateText,
} from './words';

export type Section = 'files' | 'links' | 'requests';
const SECTIONS: [Section, string][] = [
  // Not "My files": that is the name of the user's own folder among Storage Browser's locations.
  ['files', 'Files'],
  ['links', 'Shared links'],
  ['requests', 'File requests'],
];

/** The section tabs and, for the sharing sections, their screen; "Files" shows the file browser. */
export function SharingSections({ deps, files }: { deps: SharingDeps; files: HTMLElement }) {
  const [section, setSection] = useState<Section>('files');
  useEffect(() => {
    files.hidden = section !== 'files';
  }, [section, files]);
  return h(
    'div',
    null,
    h(
      'nav',
      { className: 'sections', 'aria-label': 'Sections' },
      SECTIONS.map(([id, label]) =>
        h(
          'button',
          {
            key: id,
            type: 'button',
            'aria-current': section === id ? 'page' : undefined,
            onClick: () => setSection(id),
          },
          label,
        ),
      ),
    ),
    section === 'links' ? h(SharedLinksScreen, { deps }) : null,
    section === 'requests' ? h(FileRequestsScreen, { deps }) : null,
  );
}

/** A list that loads with the owner's API and reloads after a change. */
function useList<T>(api: OwnerApi | undefined, load: (api: OwnerApi) => Promise<T>) {
  const [value, setValue] = useState<T | undefined>();
  const [problem, setProblem] = useState('');
  const reload = useCallback(() => {
    if (!api) return;
    load(api)
      .then((v) => (setValue(v), setProblem('')))
      .catch((error) => setProblem(listProblemOf(error)));
  }, [api, load]);
  useEffect(reload, [reload]);
  return { value, problem, reload };
}

const loadLinks = (api: OwnerApi) => api.listLinks();
const loadRequests = (api: OwnerApi) => api.listRequests();

function SharedLinksScreen({ deps }: { deps: SharingDeps }) {
  const owner = useOwnerApi(deps);
  const api = owner.state === 'ready' ? owner.api : undefined;
  const { value, problem, reload } = useList(api, loadLinks);
  const [said, setSaid] = useState('');
  const now = new Date();
  const links = value?.links ?? [];
  return sharingSection({
    id: 'links-title',
    title: 'Shared links',
    intro:
      'Links you made to your files. Anyone with a link can download its file until the link stops working.',
    deps,
    owner,
    problem,
    said,
    content: () =>
      !api || value === undefined
        ? null
        : links.length === 0
          ? h(
              'p',
              { className: 'sharing-empty' },
              'You have not shared any files yet. In Files, open your folder, select a file and choose Share from the actions menu.',
            )
          : h(ItemsTable, {
              caption: 'Your shared links',
              columns: ['File', 'Gives', 'Status'],
              rows: links.map((link: ShareLink) => ({
                key: link.id,
                name: fileNameOf(link.key),
                gives: link.version === 'pinned' ? 'This version' : 'Latest version',
                state: stateText(link, now),
                stop:
                  linkState(link, now) === 'active'
                    ? {
                        what: `the link to ${fileNameOf(link.key)}`,
                        warning: 'People who have this link can no longer download the file.',
                        onStop: async () => {
                          try {
                            await api.revokeLink(link.id);
                            setSaid(`The link to ${fileNameOf(link.key)} was stopped.`);
                          } catch (error) {
                            setSaid(messageOf(error));
                          }
                          reload();
                        },
                      }
                    : undefined,
              })),
            }),
    loaded: value !== undefined,
  });
}

function FileRequestsScreen({ deps }: { deps: SharingDeps }) {
  const owner = useOwnerApi(deps);
  const api = owner.state === 'ready' ? owner.api : undefined;
  const { value, problem, reload } = useList(api, loadRequests);
  const [said, setSaid] = useState('');
  const now = new Date();
  return sharingSection({
    id: 'requests-title',
    title: 'File requests',
    intro:
      'Ask someone outside your organisation for files. They get a page where they can add files to a folder of yours; they cannot see or open any of your files.',
    deps,
    owner,
    problem,
    said,
    loaded: value !== undefined,
    content: () =>
      !api || value === undefined
        ? null
        : h(
            'div',
            null,
            h(NewRequestForm, {
              api,
              limits: value.limits,
              pageOrigin: deps.pageOrigin,
              onCreated: reload,
            }),
            h('h3', null, 'Your requests'),
            value.requests.length === 0
              ? h('p', { className: 'sharing-empty' }, 'No file requests yet.')
              : h(ItemsTable, {
                  caption: 'Your file requests',
                  columns: ['Folder', 'Files received', 'Status'],
                  rows: value.requests.map((request: FileRequest) => ({
                    key: request.id,
                    name: request.folder,
                    gives: `${request.uploads} of ${request.maxFiles}`,
                    state: stateText(request, now),
                    stop:
                      linkState(request, now) === 'active'
                        ? {
                            what: `the request for files into ${request.folder}`,
                            warning: 'People who have this link can no longer add files.',
                            onStop: async () => {
                              try {
                                await api.revokeRequest(request.id);
                                setSaid(`The request for files into ${request.folder} was stopped.`);
                              } catch (error) {
                                setSaid(messageOf(error));
                              }
                              reload();
                            },
                          }
                        : undefined,
                  })),
                }),
          ),
  });
}

/**
 * A sharing screen: its title and what it is for, then the sign-in prompt, the list's problem, a
 * loading line or the content, and what the user last did (a live status line).
 */
function sharingSection(screen: {
  id: string;
  title: string;
  intro: string;
  deps: SharingDeps;
  owner: ReturnType<typeof useOwnerApi>;
  problem: string | undefined;
  said: string;
  loaded: boolean;
  content: () => ReturnType<typeof h> | null;
}) {
  const { id, title, intro, deps, owner, problem, said, loaded, content } = screen;
  return h(
    'section',
    { className: 'sharing-screen', 'aria-labelledby': id },
    h('h2', { id }, title),
    h('p', null, intro),
    owner.state !== 'ready'
      ? h(SignInPrompt, { deps, state: owner.state })
      : problem
        ? h('p', { role: 'alert', className: 'sharing-problem' }, problem)
        : !loaded
          ? h('p', { role: 'status' }, 'Loading…')
          : content(),
    h('p', { role: 'status', className: 'sharing-status' }, said),
  );
}

/** One of the user's links or requests: what it is, what it gives, its state, and how to stop it. */
interface ItemRow {
  readonly key: string;
  readonly name: string;
  readonly gives: string;
  readonly state: string;
  readonly stop?: { what: string; warning: string; onStop: () => Promise<void> };
}

/** The table of the user's links or of their requests; `columns` names the first three. */
function ItemsTable({
  caption,
  columns,
  rows,
}: {
  caption: string;
  columns: readonly [string, string, string];
  rows: readonly ItemRow[];
}) {
  const [name, gives, state] = columns;
  return h(
    'table',
    { className: 'sharing-table' },
    h('caption', { className: 'visually-hidden' }, caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, name),
        h('th', { scope: 'col' }, gives),
        h('th', { scope: 'col' }, state),
        h('th', { scope: 'col' }, h('span', { className: 'visually-hidden' }, 'Actions')),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((row) =>
        h(
          'tr',
          { key: row.key },
          h('th', { scope: 'row' }, row.name),
          h('td', { 'data-label': gives }, row.gives),
          h('td', null, row.state),
          h('td', null, row.stop ? h(StopButton, row.stop) : null),
        ),
      ),
    ),
  );
}

/** "Ask for files": a folder of one's own, how long, how many files and how large each may be. */
function NewRequestForm({
  api,
  limits,
  pageOrigin,
  onCreated,
}: {
  api: OwnerApi;
  limits: SharingLimits;
  pageOrigin: string;
  onCreated: () => void;
}) {
  const ids = { folder: useId(), days: useId(), files: useId(), size: useId(), hint: useId() };
  const maxMb = Math.max(1, Math.floor(limits.fileRequestMaxFileBytes / 1024 / 1024));
  const [folder, setFolder] = useState('Received files');
  const [days, setDays] = useState(defaultExpiryDays(limits.maxLinkDays));
  const [files, setFiles] = useState(Math.min(10, limits.fileRequestMaxFiles));
  const [sizeMb, setSizeMb] = useState(maxMb);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ url: string; folder: string; expiresAt: string } | undefined>();

  const submit = async (event: { preventDefault(): void }) => {
    event.preventDefault();
    const wrong =
      folderProblem(folder) ??
      (!(files >= 1 && files <= limits.fileRequestMaxFiles)
        ? `The number of files must be from 1 to ${limits.fileRequestMaxFiles}.`
        : !(sizeMb >= 1 && sizeMb <= maxMb)
          ? `The largest file must be from 1 to ${maxMb} MB.`
          : undefined);
    setProblem(wrong ?? '');
    if (wrong) return;
    setBusy(true);
    try {
      const request = await api.createRequest({
        folder,
        expiresInDays: days,
        maxFiles: files,
        maxFileBytes: Math.min(sizeMb * 1024 * 1024, limits.fileRequestMaxFileBytes),
      });
      setCreated({ url: requestPageUrl(pageOrigin, request.token), folder, expiresAt: request.expiresAt });
      onCreated();
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  if (created)
    return h(
      'div',
      { className: 'sharing-created' },
      h(
        LinkToCopy,
        { label: `Link for sending files to ${created.folder}`, url: created.url },
        h(
          'p',
          null,
          `Send this link to the people you want files from. Their files arrive in the folder “${created.folder}” of your own files, until ${formatWhen(created.expiresAt)}.`,
        ),
      ),
      h('button', { type: 'button', onClick: () => setCreated(undefined) }, 'Ask for more files'),
    );

  const onValue =
    (set: (v: number) => void) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
      set(Number(e.currentTarget.value));
  return h(
    'form',
    { className: 'sharing-form', onSubmit: submit, 'aria-labelledby': ids.hint },
    h('h3', { id: ids.hint }, 'Ask for files'),
    h('label', { htmlFor: ids.folder }, 'Folder of your own where the files arrive'),
    h('input', {
      id: ids.folder,
      value: folder,
      maxLength: 63,
      onChange: (e: { currentTarget: HTMLInputElement }) => setFolder(e.currentTarget.value),
    }),
    h('label', { htmlFor: ids.days }, 'The link works for'),
    h(
      'select',
      { id: ids.days, value: days, onChange: onValue(setDays) },
      expiryChoices(limits.maxLinkDays).map((c) => h('option', { key: c.days, value: c.days }, c.label)),
    ),
    h('label', { htmlFor: ids.files }, `Most files (up to ${limits.fileRequestMaxFiles})`),
    h('input', {
      id: ids.files,
      type: 'number',
      min: 1,
      max: limits.fileRequestMaxFiles,
      value: files,
      onChange: onValue(setFiles),
    }),
    h(
      'label',
      { htmlFor: ids.size },
      `Largest file, in MB (up to ${humanSize(limits.fileRequestMaxFileBytes)})`,
    ),
    h('input', {
      id: ids.size,
      type: 'number',
      min: 1,
      max: maxMb,
      value: sizeMb,
      onChange: onValue(setSizeMb),
    }),
    problem ? h('p', { role: 'alert', className: 'sharing-problem' }, problem) : null,
    h(
      'button',
      { type: 'submit', className: 'primary', disabled: busy },
      busy ? 'Creating link…' : 'Create link',
    ),
  );
}
