/**
 * The two pages the inspector endpoint serves. The Stately inspector is a remote web app
 * (stately.ai/inspect): the bridge page frames it and posts it this daemon's messages once it says
 * `@statelyai.connected`, as @statelyai/inspect's own server page does, but it reaches the socket it was
 * served from (so an SSH tunnel on any local port works). The tree page needs nothing from outside: the
 * actor tree (live actors first; helpers that have stopped are left out) with each actor's state and last
 * event, and the latest events other than the lines' own socket chatter (ws.*).
 */

const STATELY_INSPECTOR = 'https://stately.ai/inspect';

export function bridgePage(): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Trading Brain — Stately inspector</title>
<style>*{margin:0;padding:0}html,body{height:100%}iframe{width:100%;height:100%;border:none}</style></head>
<body><iframe id="inspector" src="${STATELY_INSPECTOR}"></iframe>
<script>
const frame = document.getElementById('inspector');
const waiting = [];
let connected = false;
window.addEventListener('message', (e) => {
  if (!e.data || e.data.type !== '@statelyai.connected') return;
  connected = true;
  for (const m of waiting.splice(0)) frame.contentWindow.postMessage(m, '*');
});
const ws = new WebSocket('ws://' + location.host + '/');
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (connected) frame.contentWindow.postMessage(m, '*');
  else if (waiting.push(m) > 5000) waiting.shift();
};
</script></body></html>`;
}

export function treePage(): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Trading Brain — actor tree</title>
<style>
body{font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;margin:16px;background:#fafafa;color:#222}
h1{font-size:16px;margin:0 0 4px}#status{color:#666;margin-bottom:12px}
main{display:flex;gap:24px}#tree{flex:3}#log{flex:2;max-height:85vh;overflow:auto}
ul{list-style:none;padding-left:18px;margin:0}li{margin:2px 0}
.id{font-weight:600}.state{color:#0a5}.done{color:#999}.ev{color:#06c}.at{color:#999}
#log div{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
</style></head>
<body><h1>Trading Brain — actor tree</h1><div id="status">connecting…</div>
<main><div id="tree"></div><div id="log"></div></main>
<script>
const actors = new Map();
const log = [];
const stateText = (s) => s && s.value !== undefined ? JSON.stringify(s.value) : (s && s.status) || '';
function render() {
  const kids = new Map();
  for (const a of actors.values()) {
    if (a.status === 'stopped') continue;
    const p = a.parentId && actors.has(a.parentId) ? a.parentId : '';
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(a);
  }
  const rank = (a) => (a.status === 'active' ? 0 : 1);
  const list = (p) => '<ul>' + (kids.get(p) || []).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)).map((a) =>
    '<li><span class="id">' + esc(a.name) + '</span> <span class="' + (a.status === 'active' ? 'state' : 'done') + '">' + esc(a.state) + '</span>' +
    (a.last ? ' <span class="ev">← ' + esc(a.last) + '</span>' : '') + list(a.sessionId) + '</li>').join('') + '</ul>';
  document.getElementById('tree').innerHTML = list('');
  document.getElementById('log').innerHTML = log.map((l) => '<div>' + esc(l) + '</div>').join('');
}
const esc = (t) => String(t).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
let dirty = false;
const later = () => { if (!dirty) { dirty = true; requestAnimationFrame(() => { dirty = false; render(); }); } };
const ws = new WebSocket('ws://' + location.host + '/');
ws.onopen = () => { document.getElementById('status').textContent = 'live: ' + location.host; };
ws.onclose = () => { document.getElementById('status').textContent = 'disconnected'; };
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.type === '@xstate.actor') actors.set(m.sessionId, { sessionId: m.sessionId, parentId: m.parentId, name: m.name, state: stateText(m.snapshot), status: m.snapshot && m.snapshot.status, last: '' });
  const a = actors.get(m.sessionId);
  if (m.type === '@xstate.snapshot' && a) { a.state = stateText(m.snapshot); a.status = m.snapshot.status; }
  if (m.type === '@xstate.event' && a && !m.event.type.startsWith('xstate.')) {
    a.last = m.event.type;
    if (m.event.type.startsWith('ws.')) return later();
    log.unshift(a.name + ' ← ' + m.event.type);
    if (log.length > 60) log.pop();
  }
  later();
};
</script></body></html>`;
}
