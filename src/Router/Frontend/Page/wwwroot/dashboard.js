// The live dashboard: polls /page/api/statistics (cumulative counters) and turns the snapshots of the last
// WINDOW_MS into rates and shares. Polling, not server-sent events: EventSource cannot send the bearer header that
// protected reads need, and one small GET a second costs the router nothing worth a stream.
'use strict';

(() => {
  const { el, call, percent, authHeaders } = Ensemble;
  const number = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const WINDOW_MS = 10_000;
  const history = [];        // [{ at, data }], oldest first, spanning about WINDOW_MS
  let interval = 1000;

  const status = document.getElementById('dash-status');

  function metric(name, label, value, note) {
    return el('div', { class: 'metric', 'data-metric': name },
      el('span', { class: 'label', text: label }),
      el('span', { class: 'value', text: value }),
      note ? el('span', { class: 'note', text: note }) : null);
  }

  // Counts of one arm in the snapshot `data`, or zeros when it was not there yet.
  function armIn(data, ensemble, arm) {
    const e = data.ensembles.find((x) => x.name === ensemble);
    return (e && e.arms.find((a) => a.name === arm)) || { requests: 0, errors: 0, rejections: 0, fallbacks: 0 };
  }

  function renderEnsemble(e, oldest, seconds) {
    const delta = (arm, field) => arm[field] - armIn(oldest, e.name, arm.name)[field];
    const recentTotal = e.arms.reduce((sum, a) => sum + delta(a, 'requests'), 0);
    const allTotal = e.arms.reduce((sum, a) => sum + a.requests, 0);
    const cards = e.arms.map((a) => {
      const recent = delta(a, 'requests');
      const served = a.requests - a.rejections;
      // Share over the window when it saw traffic, else since start: an idle router still shows where traffic went.
      const share = recentTotal > 0 ? recent / recentTotal : allTotal > 0 ? a.requests / allTotal : 0;
      const shareNote = recentTotal > 0 ? 'of requests, last 10 s' : 'of requests since start';
      const bar = el('div', { class: 'share', role: 'img', 'aria-label': `observed ${percent(share, 0)}, target ${percent(a.configured_share, 0)}` },
        el('div', { class: 'observed' }), el('div', { class: 'target' }));
      bar.firstChild.style.width = percent(share, 2);
      bar.lastChild.style.left = percent(a.configured_share, 2);
      return el('article', { class: 'card', 'data-arm': a.name },
        el('h3', {}, a.name, el('span', { class: 'strategy', text: ` ${a.strategy} · weight ${a.weight}` })),
        metric('share', 'Traffic share', percent(share, 0), `${shareNote}; target ${percent(a.configured_share, 0)} (the mark)`),
        bar,
        metric('rate', 'Requests/s', seconds > 0 ? (recent / seconds).toFixed(1) : '–', 'last 10 s'),
        metric('requests', 'Requests', String(a.requests), 'since start'),
        metric('latency', 'Latency p50 · p95 · p99', a.latency.count ? [a.latency.p50_ms, a.latency.p95_ms, a.latency.p99_ms].map(number).join(' · ') : '–', 'milliseconds, recent requests'),
        metric('errors', 'Errors', a.requests ? percent(a.errors / a.requests) : '–', `${a.errors} of ${a.requests}`),
        metric('fallbacks', 'Fallbacks', served ? percent(a.fallbacks / served) : '–', fallbackNote(a)),
        metric('accuracy', 'Online accuracy', a.feedback_rows ? percent(a.online_accuracy) : 'no feedback yet', `${a.feedback_correct} of ${a.feedback_rows} labelled rows right`),
        el('span', { class: 'raw', hidden: true, 'data-metric': 'feedback-rows', text: String(a.feedback_rows) }));
    });
    return el('section', { class: 'ensemble', 'data-ensemble': e.name },
      el('h2', { text: `Model ${e.name}` }),
      el('div', { class: 'cards' }, ...cards),
      e.shadow ? renderShadow(e.shadow) : null,
      e.rollout ? renderRollout(e.rollout) : null,
      renderEndpoints(e));
  }

  function fallbackNote(a) {
    const reasons = Object.entries(a.fallback_reasons || {}).map(([k, v]) => `${k} ${v}`).join(', ');
    return reasons ? `${a.fallbacks} answers: ${reasons}` : `${a.fallbacks} answers`;
  }

  function renderShadow(s) {
    return el('div', { class: 'panel shadow', 'data-shadow': s.arm },
      el('h3', { text: `Shadow arm ${s.arm}, ${s.sample_percent}% of requests mirrored` }),
      el('div', { class: 'metrics' },
        metric('agreement', 'Agreement with the answer served', s.compared_rows ? percent(s.agreement) : '–', `${s.agreed_rows} of ${s.compared_rows} rows`),
        metric('shadow-completed', 'Copies completed', String(s.completed), `${s.enqueued} enqueued`),
        metric('shadow-dropped', 'Dropped', String(s.dropped), 'queue full or shed'),
        metric('shadow-errors', 'Errors', String(s.errors))));
  }

  // A rollout's progress: where it stands among its steps, its last decision and why, and each guardrail's verdict
  // at the latest look (RouterAdmin GetRollout and `ensemble.py rollout report` have the full evidence).
  function renderRollout(r) {
    const fixed = (x, digits) => (x === null || x === undefined ? '–' : x.toFixed(digits));
    const steps = el('ol', { class: 'steps', 'aria-label': `steps ${r.steps.join(', ')} percent` },
      ...r.steps.map((p, i) => el('li', { class: i < r.step_index ? 'done' : i === r.step_index ? 'current' : '', text: `${p}%` })));
    const last = r.last_decision;
    const guardrails = r.guardrails.map((g) => el('tr', { 'data-guardrail': g.name },
      el('th', { scope: 'row', text: g.name }),
      el('td', {}, el('span', { class: `verdict ${g.verdict}`, text: g.verdict.replaceAll('_', ' ') })),
      el('td', { text: `${fixed(g.estimate, 4)} [${fixed(g.lower, 4)}, ${fixed(g.upper, 4)}]` }),
      el('td', { text: fixed(g.threshold, 4) }),
      el('td', { text: fixed(g.adjusted_p_value, 3) })));
    return el('div', { class: 'panel rollout', 'data-rollout': r.id },
      el('h3', { text: `Rollout of ${r.candidate} over ${r.baseline}: ${r.status.replaceAll('_', ' ')}` }),
      el('div', { class: 'metrics' },
        metric('rollout-share', 'Candidate share', `${r.candidate_percent}%`, `step ${Math.min(r.step_index + 1, r.steps.length)} of ${r.steps.length}`),
        metric('rollout-decisions', 'Decisions', String(r.decisions), last ? `last: ${last.kind.replaceAll('_', ' ')} ${last.from_percent}% → ${last.to_percent}% by ${last.by}` : 'none yet'),
        r.hold_reason ? metric('rollout-hold', 'Holding', 'yes', r.hold_reason) : null),
      steps,
      last ? el('p', { class: 'note', text: `Why: ${last.reason}` }) : null,
      r.guardrails.length ? el('div', { class: 'scroll' }, el('table', { class: 'guardrails' },
        el('thead', {}, el('tr', {}, ...['Guardrail', 'Verdict', 'Estimate [interval]', 'Threshold', 'Adjusted p'].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, ...guardrails))) : null);
  }

  function renderEndpoints(e) {
    const rows = e.members.flatMap((m) => m.endpoints.map((p, i) => el('tr', { 'data-endpoint': p.address },
      i === 0 ? el('th', { scope: 'row', rowspan: m.endpoints.length, text: m.name }) : null,
      el('td', { class: 'mono', text: p.address }),
      el('td', {}, el('span', { class: `breaker ${p.breaker_state}`, text: p.breaker_state.replace('_', '-') })),
      el('td', { text: String(p.successes) }),
      el('td', { text: String(p.failures) }),
      el('td', { text: String(p.in_flight) }))));
    return el('div', { class: 'panel' }, el('h3', { text: 'Members and their endpoints' }),
      el('div', { class: 'scroll' }, el('table', { class: 'endpoints' },
        el('thead', {}, el('tr', {}, ...['Member', 'Endpoint', 'Breaker', 'Calls ok', 'Calls failed', 'In flight'].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, ...rows))));
  }

  function render(data) {
    const now = performance.now();
    history.push({ at: now, data });
    while (history.length > 2 && now - history[1].at >= WINDOW_MS) history.shift();
    const oldest = history[0];
    const seconds = (now - oldest.at) / 1000;
    document.getElementById('ensembles').replaceChildren(...data.ensembles.map((e) => renderEnsemble(e, oldest.data, seconds)));
    status.textContent = `Live: updated ${new Date(data.time_ms).toLocaleTimeString()}, every ${interval / 1000} s; configuration version ${data.config_version}.`;
    document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots) + 1);
  }

  async function poll() {
    try {
      render(await call('api/statistics', { headers: authHeaders(), cache: 'no-store' }));
    } catch (error) {
      status.textContent = error.status === 401
        ? `The router protects its statistics: save the admin token below. (${error.message})`
        : `Cannot read the statistics: ${error.message}`;
      if (error.status === 401) document.getElementById('token-form').open = true;
    } finally {
      setTimeout(poll, interval);
    }
  }

  async function start() {
    Ensemble.bindTokenForm();
    try {
      interval = (await call('api/models')).poll_interval_ms || interval;
    } catch { /* keep the default; poll() reports what is wrong */ }
    poll();
  }

  start();
})();
