// Shared by the digit page and the dashboard: the admin token (kept in this browser only), JSON calls to the router's
// /page/api/ endpoints, and small DOM helpers. Plain script, no build step, no dependencies.
'use strict';

const Ensemble = (() => {
  const TOKEN_KEY = 'ensemblegrpc.adminToken';

  function token() {
    try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
  }

  function setToken(value) {
    try {
      if (value) localStorage.setItem(TOKEN_KEY, value); else localStorage.removeItem(TOKEN_KEY);
    } catch { /* storage disabled: the token lives only as long as the field */ }
  }

  // The admin token goes only where the router asks for it (feedback, protected statistics), as a bearer header.
  function authHeaders() {
    const t = token();
    return t ? { Authorization: 'Bearer ' + t } : {};
  }

  // fetch, then the JSON body; a non-2xx answer throws an Error carrying the router's own message and the status.
  async function call(url, init) {
    const response = await fetch(url, init);
    let body = null;
    try { body = await response.json(); } catch { /* no body (e.g. 304) */ }
    if (!response.ok) {
      const error = new Error((body && body.error) || `${response.status} ${response.statusText}`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  const percent = (x, digits = 1) => (100 * x).toFixed(digits) + '%';
  const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + ' ms';

  // The token form both pages carry: shows whether a token is saved, never the token itself once saved.
  function bindTokenForm() {
    const input = document.getElementById('token');
    const state = document.getElementById('token-state');
    const show = () => { state.textContent = token() ? 'a token is saved in this browser' : 'no token saved'; };
    document.getElementById('save-token').addEventListener('click', () => {
      setToken(input.value.trim());
      input.value = '';
      show();
    });
    document.getElementById('forget-token').addEventListener('click', () => { setToken(''); show(); });
    show();
  }

  return { token, setToken, authHeaders, call, el, percent, ms, bindTokenForm };
})();
