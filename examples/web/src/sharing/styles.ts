/**
 * The sharing screens' styles, added to the page by mount.ts (the hosted client's CSP allows
 * inline styles). Colours keep 4.5:1 against white; touch targets are at least 44 px high; every
 * row wraps on a 360 px phone.
 */
export const SHARING_CSS = `
.sections { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0 0 1rem; border-bottom: 2px solid #d0d7e2; }
.sections button {
  font: inherit; min-height: 44px; padding: 0.4rem 1rem; border: 0; border-bottom: 3px solid transparent;
  background: none; color: #0b3d91; cursor: pointer; margin-bottom: -2px;
}
.sections button[aria-current='page'] { border-bottom-color: #0b3d91; font-weight: 600; }
.sharing-screen, .sharing-panel { max-width: 48rem; }
.sharing-panel { padding: 1rem; border: 1px solid #d0d7e2; border-radius: 6px; margin-bottom: 1rem; }
.sharing-screen h2, .sharing-panel h2 { font-size: 1.25rem; margin: 0 0 0.5rem; }
.sharing-screen h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
.sharing-form { display: grid; gap: 0.4rem; max-width: 28rem; margin: 0.5rem 0 1rem; }
.sharing-form label { font-weight: 600; margin-top: 0.4rem; }
.sharing-form button { justify-self: start; }
.sharing-form fieldset { border: 1px solid #d0d7e2; border-radius: 4px; margin: 0.5rem 0; padding: 0.5rem 0.75rem; }
.sharing-form legend { font-weight: 600; padding: 0 0.25rem; }
.sharing-form .sharing-choice { display: block; font-weight: normal; margin: 0.3rem 0; }
.sharing-form input:not([type='radio']), .sharing-form select, .sharing-link input {
  font: inherit; min-height: 44px; padding: 0.3rem 0.5rem; border: 1px solid #5c6670; border-radius: 4px;
  box-sizing: border-box; max-width: 100%;
}
.sharing-screen button, .sharing-panel button, .sharing-prompt button {
  font: inherit; min-height: 44px; padding: 0.4rem 0.9rem; border-radius: 4px; border: 1px solid #0b3d91;
  background: #fff; color: #0b3d91; cursor: pointer; margin: 0.25rem 0.5rem 0.25rem 0;
}
.sharing-screen button.primary, .sharing-panel button.primary, .sharing-prompt button.primary {
  background: #0b3d91; color: #fff;
}
.sharing-screen button.danger, .sharing-panel button.danger { border-color: #a4001d; color: #a4001d; }
.sharing-confirm button.danger { background: #a4001d; color: #fff; }
.sharing-confirm p { margin: 0 0 0.25rem; }
.sharing-link { margin: 0.5rem 0; }
.sharing-link label { display: block; font-weight: 600; }
.sharing-link-row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.sharing-link-row input { flex: 1 1 16rem; min-width: 0; }
.sharing-table { border-collapse: collapse; width: 100%; overflow-wrap: break-word; }
.sharing-table th, .sharing-table td { text-align: left; padding: 0.5rem; border-bottom: 1px solid #d0d7e2; vertical-align: top; }
.sharing-table thead th { font-size: 0.9rem; color: #3d4650; }
.sharing-table tbody th { min-width: 10rem; }
.sharing-problem { color: #a4001d; }
.sharing-empty { color: #3d4650; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
@media (max-width: 600px) {
  .sharing-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .sharing-table, .sharing-table tbody, .sharing-table tr, .sharing-table th, .sharing-table td { display: block; width: auto; }
  .sharing-table tr { border-bottom: 1px solid #d0d7e2; padding: 0.5rem 0; }
  .sharing-table th, .sharing-table td { border: 0; padding: 0.15rem 0; min-width: 0; }
  .sharing-table td[data-label]::before { content: attr(data-label) ': '; color: #3d4650; }
  .sections button { padding: 0.4rem 0.6rem; }
}
`;
