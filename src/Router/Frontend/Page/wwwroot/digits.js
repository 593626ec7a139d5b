// The digit page: draw or upload, send to the router's /page/api/models/{model}/infer (the protocol's REST infer body,
// binary tensor data extension), show the ensemble's and every member's answer, send the true label as feedback.
'use strict';

(() => {
  const { el, call, percent, ms, authHeaders } = Ensemble;
  const pad = document.getElementById('pad');
  const ink = pad.getContext('2d', { willReadFrequently: true });
  const statusLine = document.getElementById('status');
  const feedbackLine = document.getElementById('feedback-status');
  let model = null;          // the first model the router serves
  let source = 'pad';        // 'pad' (drawn) or 'upload' (the last uploaded image, as it was)
  let uploaded = null;       // { bytes, shape } of the upload
  let answer = null;         // the last answer, for feedback
  let drawing = false;
  let pending = 0;           // the timer that asks once the pen stays up
  let sent = 0;              // requests sent; an answer to an older one is not shown over a newer one

  // ---- drawing: pointer events cover mouse, pen and touch alike (the canvas has touch-action: none)
  function clearPad() {
    ink.fillStyle = '#fff';
    ink.fillRect(0, 0, pad.width, pad.height);
    source = 'pad';
    uploaded = null;
  }

  function point(event) {
    const box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
  }

  pad.addEventListener('pointerdown', (event) => {
    clearTimeout(pending);
    if (source !== 'pad') clearPad();
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    const [x, y] = point(event);
    ink.lineWidth = 18;
    ink.lineCap = 'round';
    ink.lineJoin = 'round';
    ink.strokeStyle = '#000';
    ink.beginPath();
    ink.moveTo(x, y);
    ink.lineTo(x, y);
    ink.stroke();
  });
  pad.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const [x, y] = point(event);
    ink.lineTo(x, y);
    ink.stroke();
  });
  // A digit of several strokes (a 4, a crossed 7) is asked about once: when the pen has stayed up for a moment.
  const lift = () => {
    if (!drawing) return;
    drawing = false;
    clearTimeout(pending);
    pending = setTimeout(classify, 300);
  };
  pad.addEventListener('pointerup', lift);
  pad.addEventListener('pointercancel', () => { drawing = false; });

  // ---- what is sent: a drawing is framed like MNIST (the ink's box, centred, with a margin of 4/28 on each side),
  // gray, dark on light; the router inverts it (light border), pads and resizes it to 28x28 itself.
  function drawnTensor() {
    const { data, width, height } = ink.getImageData(0, 0, pad.width, pad.height);
    let [left, top, right, bottom] = [width, height, -1, -1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (data[(y * width + x) * 4] < 160) {
          left = Math.min(left, x); right = Math.max(right, x);
          top = Math.min(top, y); bottom = Math.max(bottom, y);
        }
      }
    }
    if (right < 0) return null;
    const side = Math.max(right - left + 1, bottom - top + 1) * 28 / 20;
    const cx = (left + right + 1) / 2, cy = (top + bottom + 1) / 2;
    const size = 112;
    const frame = document.createElement('canvas');
    frame.width = frame.height = size;
    const g = frame.getContext('2d', { willReadFrequently: true });
    g.fillStyle = '#fff';
    g.fillRect(0, 0, size, size);
    g.imageSmoothingQuality = 'high';
    g.drawImage(pad, cx - side / 2, cy - side / 2, side, side, 0, 0, size, size);
    const rgba = g.getImageData(0, 0, size, size).data;
    const gray = new Uint8Array(size * size);
    for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4];
    return { bytes: gray, shape: [1, size, size] };
  }

  // An upload is sent as it is (RGBA; the router composites it over white, inverts when needed, resizes).
  async function loadUpload(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1024 / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(8, Math.round(bitmap.width * scale)), h = Math.max(8, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d', { willReadFrequently: true });
    g.drawImage(bitmap, 0, 0, w, h);
    // Preview on the pad, fitted; clearing the pad forgets any earlier upload.
    clearPad();
    uploaded = { bytes: new Uint8Array(g.getImageData(0, 0, w, h).data.buffer), shape: [1, h, w, 4] };
    const fit = Math.min(pad.width / w, pad.height / h);
    ink.drawImage(canvas, (pad.width - w * fit) / 2, (pad.height - h * fit) / 2, w * fit, h * fit);
    source = 'upload';
  }

  // ---- the call: the protocol's REST infer body with the binary data extension (JSON header, then the pixels)
  async function classify() {
    const tensor = source === 'upload' ? uploaded : drawnTensor();
    if (!tensor || !model) {
      statusLine.textContent = model ? 'Draw a digit first.' : 'The router serves no model.';
      return;
    }
    const parameters = {};
    const strategy = document.getElementById('strategy').value;
    const key = document.getElementById('routing-key').value.trim();
    if (strategy) parameters.ensemble_strategy = strategy;
    if (key) parameters.routing_key = key;
    const header = new TextEncoder().encode(JSON.stringify({
      parameters,
      inputs: [{ name: 'image', datatype: 'UINT8', shape: tensor.shape, parameters: { binary_data_size: tensor.bytes.length } }],
    }));
    const body = new Uint8Array(header.length + tensor.bytes.length);
    body.set(header, 0);
    body.set(tensor.bytes, header.length);
    statusLine.textContent = 'Asking the ensemble…';
    const started = performance.now();
    const mine = ++sent;
    try {
      const result = await call(`api/models/${encodeURIComponent(model.name)}/infer`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
        body,
      });
      if (mine === sent) show(result, performance.now() - started);
    } catch (error) {
      if (mine === sent) statusLine.textContent = `The router refused: ${error.message}`;
    }
  }

  // ---- the answer
  function show(result, roundTripMs) {
    answer = result;
    const p = result.probabilities[0];
    const predicted = result.predictions[0];
    document.getElementById('prediction').textContent = String(predicted);
    document.getElementById('confidence').textContent = `${percent(p[predicted])} sure`;
    document.getElementById('fact-strategy').textContent = result.strategy;
    document.getElementById('fact-arm').textContent = result.arm ?? 'not revealed (the ensemble\'s reveal_arm is off); feedback names it';
    document.getElementById('fact-fallback').textContent = result.fallback ? `yes: ${result.fallback_reason}` : 'no';
    document.getElementById('fact-members').textContent = `${result.members_answered} of ${result.members.length}`;
    document.getElementById('fact-latency').textContent = `${ms(result.latency_ms)} in the router, ${ms(roundTripMs)} round trip`;
    document.getElementById('fact-id').textContent = result.id;
    renderTable(result);
    const box = document.getElementById('answer');
    box.hidden = false;
    box.dataset.requestId = result.id;
    statusLine.textContent = result.fallback ? 'Answered by the fallback.' : 'Answered.';
    feedbackLine.textContent = '';
    document.body.dataset.answers = String(Number(document.body.dataset.answers) + 1);
  }

  function renderTable(result) {
    const table = document.getElementById('probabilities');
    const head = el('tr', {}, el('th', { scope: 'col', text: '' }));
    for (let d = 0; d < 10; d++) head.append(el('th', { scope: 'col', text: String(d) }));
    head.append(el('th', { scope: 'col', text: 'vote' }));
    table.tHead.replaceChildren(head);
    const rows = [row(`ensemble (${result.strategy})`, result.probabilities[0], result.predictions[0], 'ensemble')];
    for (const m of result.members) {
      rows.push(m.answered
        ? row(m.name, m.probabilities[0], m.votes[0], 'member', m.votes[0] !== result.predictions[0])
        : el('tr', { 'data-member': m.name, class: 'failed' }, el('th', { scope: 'row', text: m.name }),
          el('td', { colspan: 11, text: `no answer: ${m.failure}` })));
    }
    table.tBodies[0].replaceChildren(...rows);
  }

  function row(name, p, vote, kind, dissent) {
    const tr = el('tr', { class: kind, 'data-member': kind === 'member' ? name : null }, el('th', { scope: 'row', text: name }));
    for (let d = 0; d < 10; d++) {
      const cell = el('td', { class: d === vote ? 'top' : null, title: `${name}: ${percent(p[d], 2)} for ${d}` }, (100 * p[d]).toFixed(p[d] >= 0.995 || p[d] < 0.005 ? 0 : 1));
      cell.style.setProperty('--p', p[d].toFixed(3));
      tr.append(cell);
    }
    tr.append(el('td', { class: dissent ? 'vote dissent' : 'vote', 'data-vote': vote, text: String(vote) }));
    return tr;
  }

  // ---- feedback: one click per label, the admin token as a bearer header (see the token form)
  async function sendFeedback(label) {
    if (!answer) {
      feedbackLine.textContent = 'Classify a digit first.';
      return;
    }
    try {
      const scored = await call('api/feedback', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...authHeaders() },
        body: JSON.stringify({ request_id: answer.id, labels: [label] }),
      });
      feedbackLine.textContent = `Thanks: arm ${scored.arm} was ${scored.correct === scored.total ? 'right' : 'wrong'}; its online accuracy is now ${percent(scored.arm_online_accuracy)}.`;
      if (!answer.arm) document.getElementById('fact-arm').textContent = `${scored.arm} (named by the feedback)`;
      document.body.dataset.feedbacks = String(Number(document.body.dataset.feedbacks) + 1);
    } catch (error) {
      const hint = error.status === 401 ? ' Set the admin token below.' : '';
      feedbackLine.textContent = `Feedback refused (${error.status}): ${error.message}${hint}`;
      if (error.status === 401) document.getElementById('token-form').open = true;
    }
  }

  async function start() {
    clearPad();
    Ensemble.bindTokenForm();
    const labels = document.getElementById('labels');
    for (let d = 0; d < 10; d++) {
      const button = el('button', { type: 'button', 'data-label': d, 'aria-label': `The digit was ${d}`, text: String(d) });
      button.addEventListener('click', () => sendFeedback(d));
      labels.append(button);
    }
    document.getElementById('clear').addEventListener('click', clearPad);
    document.getElementById('classify').addEventListener('click', classify);
    // Another strategy for the same digit: ask again at once, so answers compare side by side in time.
    document.getElementById('strategy').addEventListener('change', () => { if (answer) classify(); });
    document.getElementById('upload').addEventListener('change', async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      try {
        await loadUpload(file);
        await classify();
      } catch {
        statusLine.textContent = 'That file is not an image this browser can read.';
      }
      event.target.value = '';
    });
    try {
      const list = await call('api/models');
      model = list.models[0] || null;
      const select = document.getElementById('strategy');
      for (const s of model ? model.strategies : []) select.append(el('option', { value: s, text: s }));
      document.body.dataset.ready = 'true';
    } catch (error) {
      statusLine.textContent = `Could not reach the router: ${error.message}`;
    }
  }

  start();
})();
