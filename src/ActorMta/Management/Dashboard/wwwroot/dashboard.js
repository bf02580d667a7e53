// The live dashboard: reads the node's event stream with fetch() (so the token travels in the
// Authorization header, never in a URL) and calls the admin API for suspend and resume.
import { SERIES, drawChart } from './chart.js';

const EVENTS = '/api/dashboard/v1/events';
const SUSPEND_API = '/api/admin/suspend/v1';
const TOKEN_KEY = 'actormta.management.token';
const HISTORY = 120;

const $ = id => document.getElementById(id);
const history = [];
let previous = null;
let stream = null;

function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

function headers(extra = {}) {
  const t = token();
  return t ? { ...extra, Authorization: `Bearer ${t}` } : extra;
}

function say(text, error = false) {
  $('message').textContent = text;
  $('message').className = error ? 'error' : '';
}

function connection(text, state) {
  $('connection').textContent = text;
  $('connection').className = `badge ${state}`;
}

// Server-Sent Events over fetch: "event:" and "data:" lines, a blank line ends an event.
async function listen() {
  stream?.abort();
  const controller = new AbortController();
  stream = controller;
  while (!controller.signal.aborted) {
    try {
      const response = await fetch(EVENTS, { headers: headers(), signal: controller.signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        connection('needs a token', 'down');
        say('This node wants a read or admin token for its data: enter it above.', true);
        return;
      }
      if (!response.ok) throw new Error(`${response.status} ${(await response.json().catch(() => ({}))).error ?? ''}`);
      connection('live', 'live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      connection('reconnecting', 'down');
    } catch (e) {
      if (controller.signal.aborted) return;
      connection('reconnecting', 'down');
      say(`The event stream stopped (${e.message}); trying again.`, true);
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}

function dispatch(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return;
  const payload = JSON.parse(data.join('\n'));
  if (event === 'snapshot') render(payload);
  else if (event === 'problem') say(`The node could not build a snapshot: ${payload.error}`, true);
}

function render(snapshot) {
  $('node').textContent = snapshot.node;
  const counts = snapshot.counts;
  const at = Date.parse(snapshot.at);
  if (previous && at > previous.at) {
    const seconds = (at - previous.at) / 1000;
    const rates = Object.fromEntries(SERIES.map(s => [s.key, Math.max(0, counts[s.key] - previous.counts[s.key]) / seconds]));
    history.push(rates);
    if (history.length > HISTORY) history.shift();
    for (const s of SERIES) {
      $(`rate-${s.key}`).textContent = rates[s.key].toFixed(1);
      $(`peak-${s.key}`).textContent = Math.max(...history.map(h => h[s.key])).toFixed(1); // over the chart's window
    }
  }
  if (!previous || at > previous.at) previous = { at, counts };
  for (const key of ['accepted', 'delivered', 'deferred', 'bounced', 'queued']) $(`total-${key}`).textContent = counts[key].toLocaleString('en');
  drawChart($('chart'), history);
  renderMembers(snapshot.members);
  renderDomains(snapshot.domains);
  $('unanswered').textContent = snapshot.unansweredNodes.length ? `not answering: ${snapshot.unansweredNodes.join(', ')}` : '';
}

// Sets the row's cells from `from` on, touching only those that changed.
function cells(row, values, from = 0) {
  while (row.cells.length < values.length) row.insertCell();
  for (let i = from; i < values.length; i++) if (row.cells[i].textContent !== String(values[i])) row.cells[i].textContent = values[i];
}

function renderMembers(members) {
  const body = $('members').tBodies[0];
  body.replaceChildren(...members.map(m => {
    const row = document.createElement('tr');
    cells(row, [m.node, m.status, m.reachable ? 'yes' : 'NO', m.roles.join(', '), m.leader ? 'leader' : '']);
    return row;
  }));
}

// Rows are kept by domain and updated in place, so a button is never replaced under the pointer.
function renderDomains(domains) {
  const body = $('domains').tBodies[0];
  const seen = new Set();
  for (const d of domains) {
    seen.add(d.domain);
    let row = body.querySelector(`tr[data-domain="${CSS.escape(d.domain)}"]`);
    if (!row) {
      row = body.insertRow();
      row.dataset.domain = d.domain;
      for (let i = 0; i < 13; i++) row.insertCell();
      row.cells[1].append(document.createElement('span'));
      row.cells[11].className = 'reply';
      [3, 4, 5, 6, 7, 8, 9, 10].forEach(i => { row.cells[i].className = 'number'; });
      const suspend = button('Suspend', () => suspendDomain(d.domain));
      const resume = button('Resume', () => resumeDomain(d.domain));
      row.cells[12].append(suspend, ' ', resume);
    }
    row.cells[0].textContent = d.domain;
    const state = row.cells[1].firstChild;
    state.textContent = d.state;
    state.className = `state ${d.state}`;
    state.title = d.reason ?? '';
    const limits = d.limits;
    const scaled = limits.factor < 1 ? ` (×${limits.factor.toFixed(2)})` : '';
    // A rate limit of 0 means none.
    const rate = limits.maxMessagesPerSecond > 0 ? `${+limits.maxMessagesPerSecond.toFixed(2)}` : 'no limit';
    cells(row, ['', '', d.until ? new Date(d.until).toLocaleTimeString() : '', `${limits.maxConnections}${scaled}`, rate,
      limits.maxMessagesPerConnection, d.backlog, d.inFlight, d.delivered, d.deferred, d.failed, d.lastReply ?? ''], 2);
    row.querySelector('button.resume').disabled = !d.suspendedByOperator;
  }
  for (const row of [...body.rows]) if (!seen.has(row.dataset.domain)) row.remove();
}

function button(label, action) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.className = label.toLowerCase();
  b.addEventListener('click', action);
  return b;
}

async function admin(method, path, body) {
  if (!token()) throw new Error('enter the admin token first');
  const response = await fetch(path, {
    method, headers: headers({ 'Content-Type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${answer.error ?? response.statusText}`);
  return answer;
}

async function suspendDomain(domain) {
  try {
    const { id } = await admin('POST', SUSPEND_API, { domain, reason: $('suspend-reason').value, duration: $('suspend-duration').value });
    say(`${domain} suspended (id ${id}).`);
  } catch (e) { say(`Suspending ${domain} failed: ${e.message}`, true); }
}

async function resumeDomain(domain) {
  try {
    const response = await fetch(SUSPEND_API, { headers: headers(), cache: 'no-store' });
    if (!response.ok) throw new Error(`${response.status}`);
    const mine = (await response.json()).filter(s => s.domain === domain);
    for (const s of mine) await admin('DELETE', SUSPEND_API, { id: s.id });
    say(mine.length ? `${domain} resumed.` : `${domain} has no operator suspension.`);
  } catch (e) { say(`Resuming ${domain} failed: ${e.message}`, true); }
}

$('token-form').addEventListener('submit', event => {
  event.preventDefault();
  const value = $('token').value.trim();
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  $('token').value = '';
  $('token').placeholder = value ? 'token set for this tab' : $('token').placeholder;
  say(value ? 'Token set for this tab.' : '');
  listen();
});
$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  $('token').placeholder = 'admin (or read) token';
  say('Token forgotten.');
  listen();
});
$('suspend-options').addEventListener('submit', event => event.preventDefault());
if (token()) $('token').placeholder = 'token set for this tab';
listen();
