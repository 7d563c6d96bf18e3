/**
 * The visitor's page for a file request (request.html#<token>): someone outside the organisation
 * picks files and sends them. The page knows only the token, which stays in the address's
 * fragment (never sent to a server, so in no log and no Referer). It can ask the API what the
 * request takes and for one upload URL per file; nothing here can list or read a file.
 */
import { loadConfig } from '../config';
import { SharingProblem, visitorApi } from './sharing-api';
import {
  checkPickedFiles,
  contentTypeOf,
  formatWhen,
  humanSize,
  kindsText,
  problemText,
  tokenFromFragment,
  type RequestLimits,
} from './words';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** One PUT with progress (XHR reports bytes as they leave; fetch cannot). */
function put(
  url: string,
  headers: Record<string, string>,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    // The browser sets Content-Length itself from the body; it may not be set by a page.
    for (const [name, value] of Object.entries(headers))
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () =>
      xhr.status < 300 ? resolve() : reject(new SharingProblem(xhr.status, problemText(xhr.status, true)));
    xhr.onerror = () => reject(new SharingProblem(0, problemText(0, true)));
    xhr.send(file);
  });
}

function describe(limits: RequestLimits): string {
  const kinds = limits.contentTypes.length ? ` Accepted: ${kindsText(limits.contentTypes)}.` : '';
  return (
    `You can send ${limits.remainingFiles} ${limits.remainingFiles === 1 ? 'file' : 'files'}, ` +
    `each up to ${humanSize(limits.maxFileBytes)}.${kinds} This link works until ${formatWhen(limits.expiresAt)}.`
  );
}

function showProblem(message: string) {
  $('problem').textContent = message;
}

/** A list item per file: its name, size and a progress bar labelled by them. */
function fileRow(file: File, index: number) {
  const item = document.createElement('li');
  const label = document.createElement('span');
  label.id = `file-${index}`;
  label.textContent = `${file.name} (${humanSize(file.size)})`;
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  bar.setAttribute('aria-labelledby', label.id);
  const state = document.createElement('span');
  state.className = 'state';
  state.textContent = 'Waiting';
  item.append(label, bar, state);
  $('queue').append(item);
  return { bar, state };
}

async function start() {
  const token = tokenFromFragment(window.location.hash);
  if (!token) {
    showProblem('This link is incomplete. Open the whole link you were sent, or ask for a new one.');
    return;
  }
  const config = await loadConfig();
  const api = visitorApi(config.presignApi.url, token);
  let limits: RequestLimits;
  try {
    limits = await api.limits();
  } catch (error) {
    showProblem(error instanceof SharingProblem ? error.message : problemText(0, true));
    return;
  }
  $('limits').textContent = describe(limits);
  $('send-form').hidden = false;
  const picker = $<HTMLInputElement>('picker');
  const send = $<HTMLButtonElement>('send');

  $('send-form').onsubmit = async (event) => {
    event.preventDefault();
    showProblem('');
    $('done').textContent = '';
    const { accepted, problems } = checkPickedFiles([...(picker.files ?? [])], limits);
    if (picker.files?.length === 0) problems.unshift('Choose one or more files first.');
    showProblem(problems.join(' '));
    if (accepted.length === 0) return;
    send.disabled = picker.disabled = true;
    $('queue').replaceChildren();
    let sent = 0;
    for (const [index, file] of accepted.entries()) {
      const row = fileRow(file, index);
      try {
        row.state.textContent = 'Sending';
        const upload = await api.signUpload({
          fileName: file.name,
          contentType: contentTypeOf(file),
          size: file.size,
        });
        await put(upload.url, upload.headers, file, (f) => (row.bar.value = f));
        row.bar.value = 1;
        row.state.textContent = 'Sent';
        sent++;
      } catch (error) {
        row.state.textContent = 'Not sent';
        problems.push(
          `${file.name}: ${error instanceof SharingProblem ? error.message : problemText(0, true)}`,
        );
      }
    }
    showProblem(problems.join(' '));
    $('done').textContent =
      sent === 0
        ? 'No file was sent.'
        : `Sent: ${sent} ${sent === 1 ? 'file was' : 'files were'} delivered. You can close this page.`;
    picker.value = '';
    send.disabled = picker.disabled = false;
    limits = await api.limits().catch(() => ({ ...limits, remainingFiles: 0 }));
    $('limits').textContent = describe(limits);
  };
}

start().catch(() => showProblem('This page could not start. Reload it to try again.'));
