// lofi listen: the blind A/B page. Served by the tool itself (no CDN, no fonts); plays both clips of a trial
// through one Web Audio clock so switching between A and B keeps the position. Nothing the server sends before
// the session ends names a system: clips come from /api/trial/<n>/audio/A|B.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const SIDES = ['A', 'B'];
  const KEY_CHOICES = { '1': 'left_much_better', '2': 'left_better', '3': 'same', '4': 'right_better',
    '5': 'right_much_better', '0': 'no_preference', 'n': 'no_preference' };

  const st = {
    session: null, trials: 0, trial: 0, ctx: null, buffers: { A: null, B: null }, duration: 0,
    source: null, side: null, lastSide: 'A', startedAt: 0, offset: 0, position: 0,
    plays: { A: 0, B: 0 }, listened: { A: 0, B: 0 }, choice: null, shownAt: 0, busy: true, timer: 0,
  };

  async function api(path, options) {
    let response;
    try {
      response = await fetch(path, Object.assign({ cache: 'no-store', headers: { Accept: 'application/json' } }, options || {}));
    } catch (e) {
      throw Object.assign(new Error('the server cannot be reached'), { unreachable: true });
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    return body;
  }

  function context() {
    if (!st.ctx) st.ctx = new (window.AudioContext || window.webkitAudioContext)();
    return st.ctx;
  }

  function fmt(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }

  function status(text, isError) {
    $('status').textContent = text || '';
    $('status').classList.toggle('error', !!isError);
  }

  function position() {
    if (!st.source) return st.position;
    return st.offset + (context().currentTime - st.startedAt);
  }

  /** Stops the playing clip (if any), booking its listening time and keeping the position. */
  function halt() {
    if (!st.source) return;
    const pos = position();
    st.listened[st.side] += Math.max(0, context().currentTime - st.startedAt);
    const src = st.source;
    st.source = null;
    src.onended = null;
    try { src.stop(); } catch (e) { /* already stopped */ }
    st.position = Math.min(pos, st.duration);
    st.side = null;
  }

  /** Plays clip {@code side} from {@code from} seconds (the current position when omitted). */
  function play(side, from) {
    if (st.busy || !st.buffers[side]) return;
    const ctx = context();
    if (ctx.state === 'suspended') ctx.resume();
    const wasSide = st.side;
    let pos = from === undefined ? position() : from;
    halt();
    const buffer = st.buffers[side];
    if (pos >= buffer.duration - 0.05) pos = 0; // past the end of this clip: start it again
    const src = ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(ctx.destination);
    src.onended = () => {
      if (st.source !== src) return;
      halt();
      st.position = 0;
      render();
    };
    st.source = src;
    st.side = side;
    st.lastSide = side;
    st.offset = pos;
    st.startedAt = ctx.currentTime;
    src.start(0, pos);
    if (wasSide !== side) st.plays[side] += 1;
    render();
  }

  function togglePause() {
    if (st.busy) return;
    if (st.source) { halt(); render(); } else play(st.lastSide);
  }

  function seek(seconds) {
    if (st.busy) return;
    const target = Math.max(0, Math.min(st.duration, seconds));
    if (st.source) play(st.side, target);
    else { st.position = target; render(); }
  }

  function choose(choice) {
    if (st.busy) return;
    st.choice = choice;
    render();
  }

  function bothPlayed() { return st.plays.A > 0 && st.plays.B > 0; }

  function render() {
    const pos = Math.min(position(), st.duration);
    for (const side of SIDES) {
      const button = $('play-' + side.toLowerCase());
      button.classList.toggle('playing', st.side === side);
      button.disabled = st.busy;
      $('state-' + side.toLowerCase()).textContent =
        st.side === side ? 'playing' : (st.plays[side] > 0 ? 'played' : 'not played');
    }
    for (const id of ['play-pause', 'replay', 'position']) $(id).disabled = st.busy;
    $('play-pause').firstChild.textContent = st.source ? 'Pause ' : 'Play ';
    $('position').value = st.duration > 0 ? Math.round(1000 * pos / st.duration) : 0;
    $('time').textContent = fmt(pos) + ' / ' + fmt(Math.round(st.duration));
    for (const b of document.querySelectorAll('.choice')) {
      b.setAttribute('aria-pressed', String(b.dataset.choice === st.choice));
      b.disabled = st.busy;
    }
    $('submit').disabled = st.busy || !st.choice || !bothPlayed();
    if (!st.busy && st.choice && !bothPlayed()) status('Listen to both A and B before you answer.');
    else if (!st.busy && !$('status').classList.contains('error')) status(st.choice ? 'Ready to submit.' : '');
  }

  function progress(answered) {
    $('progress').max = st.trials;
    $('progress').value = answered;
    $('progress-text').textContent = 'Trial ' + st.trial + ' of ' + st.trials;
  }

  async function loadTrial(n, answered) {
    halt();
    st.busy = true;
    st.trial = n;
    st.buffers = { A: null, B: null };
    st.plays = { A: 0, B: 0 };
    st.listened = { A: 0, B: 0 };
    st.position = 0;
    st.duration = 0;
    st.choice = null;
    st.lastSide = 'A';
    $('comment').value = '';
    progress(answered);
    render();
    status('Loading the clips…');
    const trial = await api('/api/trial/' + n);
    const ctx = context();
    const decoded = await Promise.all(SIDES.map(async (side) => {
      const response = await fetch(trial.audio[side], { cache: 'no-store' });
      if (!response.ok) throw new Error('clip ' + side + ' could not be loaded (HTTP ' + response.status + ')');
      return ctx.decodeAudioData(await response.arrayBuffer());
    }));
    st.buffers = { A: decoded[0], B: decoded[1] };
    st.duration = Math.max(decoded[0].duration, decoded[1].duration);
    st.busy = false;
    st.shownAt = performance.now();
    status('');
    render();
    document.body.dataset.trial = String(n); // for tests and screen readers: the trial now shown
  }

  async function submit() {
    if (st.busy || !st.choice || !bothPlayed()) return;
    halt();
    st.busy = true;
    render();
    status('Saving…');
    const body = {
      choice: st.choice,
      comment: $('comment').value,
      plays: { a: st.plays.A, b: st.plays.B },
      listening_seconds: { a: st.listened.A, b: st.listened.B },
      answer_seconds: (performance.now() - st.shownAt) / 1000,
    };
    let result;
    try {
      result = await api('/api/trial/' + st.trial + '/answer',
        { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
    } catch (e) {
      return fail(e);
    }
    if (result.complete) return done(result.reveal, result.answered);
    try {
      await loadTrial(result.next_trial, result.answered);
    } catch (e) {
      fail(e);
    }
  }

  function done(reveal, answered) {
    st.busy = true;
    $('progress').max = st.trials;
    $('progress').value = answered === undefined ? st.trials : answered;
    $('progress-text').textContent = 'Done: ' + st.trials + ' of ' + st.trials;
    $('trial-view').hidden = true;
    const body = document.querySelector('#reveal tbody');
    body.textContent = '';
    for (const t of reveal.trials) {
      const row = document.createElement('tr');
      for (const value of [t.trial, t.pair, t.A, t.B, t.answer, t.preferred || '–']) {
        const cell = document.createElement('td');
        cell.textContent = String(value);
        row.appendChild(cell);
      }
      body.appendChild(row);
    }
    $('done-view').hidden = false;
    document.body.dataset.trial = 'done';
  }

  function fail(e) {
    st.busy = true;
    render();
    if (e && e.unreachable) {
      $('error-text').textContent = 'Trial ' + st.trial + ' was not saved: ' + e.message + '.';
      $('error-session').textContent = st.session || '';
      $('error-view').hidden = false;
      $('trial-view').hidden = true;
    } else {
      status(e && e.message ? e.message : String(e), true);
      st.busy = false;
      render();
    }
  }

  function onKey(e) {
    const comment = $('comment');
    if (e.target === comment) {
      if (e.key === 'Escape') comment.blur();
      else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.id === 'position') return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    let handled = true;
    if (key === 'a') play('A');
    else if (key === 'b') play('B');
    else if (key === ' ') togglePause();
    else if (key === 'r') play(st.lastSide, 0);
    else if (key === 'ArrowLeft') seek(position() - 5);
    else if (key === 'ArrowRight') seek(position() + 5);
    else if (key in KEY_CHOICES) choose(KEY_CHOICES[key]);
    else if (key === 'c') comment.focus();
    else if (key === 'Enter') submit();
    else handled = false;
    if (handled) e.preventDefault();
  }

  function wire() {
    // A clicked button gives the focus back to the page, so Space and Enter always mean the shortcuts.
    const click = (el, fn) => el.addEventListener('click', (e) => { fn(e); el.blur(); });
    click($('play-a'), () => play('A'));
    click($('play-b'), () => play('B'));
    click($('play-pause'), togglePause);
    click($('replay'), () => play(st.lastSide, 0));
    click($('submit'), submit);
    for (const b of document.querySelectorAll('.choice')) click(b, () => choose(b.dataset.choice));
    $('position').addEventListener('input', (e) => seek(st.duration * e.target.value / 1000));
    document.addEventListener('keydown', onKey);
    st.timer = setInterval(() => { if (st.source) render(); }, 100);
  }

  async function start() {
    wire();
    try {
      const s = await api('/api/session');
      st.session = s.session;
      st.trials = s.trials;
      $('who').textContent = 'Rater ' + s.rater + ' · session ' + s.session;
      if (s.complete) {
        done(await api('/api/reveal'), s.answered);
        return;
      }
      $('trial-view').hidden = false;
      await loadTrial(s.next_trial, s.answered);
    } catch (e) {
      fail(e);
    }
  }

  document.addEventListener('DOMContentLoaded', start);
})();
