// QR codes for the scanning tests and benchmark (CommonJS, so that the TypeScript tests and the
// .mjs benchmark share it): a code drawn into a Y4M video (what Chromium's
// fake camera plays, `--use-file-for-fake-video-capture`) or into a PNG (a photo the officer picks).
'use strict';
const fs = require('node:fs');
const zlib = require('node:zlib');

const QRCode = require('qrcode');

/** The code's modules (true = dark), row by row, and its size. */
function modules(payload) {
  const segments = typeof payload === 'string' ? payload : [{ data: payload, mode: 'byte' }];
  const code = QRCode.create(segments, { errorCorrectionLevel: 'M' });
  const { size, data } = code.modules;
  return { size, dark: (x, y) => data[y * size + x] === 1 };
}

/**
 * A grey image `width` × `height` with the code in its middle, `scale` pixels per module, a white
 * quiet zone of four modules and a light grey table around it (a card on a booth's table).
 */
function greyImage(payload, width, height, scale) {
  const { size, dark } = modules(payload);
  const image = new Uint8Array(width * height).fill(170);
  const side = (size + 8) * scale;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - 4;
      const my = Math.floor(y / scale) - 4;
      const isDark = mx >= 0 && my >= 0 && mx < size && my < size && dark(mx, my);
      const px = left + x;
      const py = top + y;
      if (px >= 0 && py >= 0 && px < width && py < height) image[py * width + px] = isDark ? 20 : 240;
    }
  }
  return image;
}

/**
 * Writes a Y4M video of `frames` frames at 10 frames/s showing the code (`blankFrames` first show
 * only the table). Chromium loops it.
 */
function writeQrVideo(file, payload, { width = 640, height = 480, scale = 5, frames = 20, blankFrames = 0 } = {}) {
  const code = greyImage(payload, width, height, scale);
  const blank = new Uint8Array(width * height).fill(170);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) {
    parts.push(Buffer.from('FRAME\n'), Buffer.from(i < blankFrames ? blank : code), chroma);
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Writes an 8-bit PNG of `pixels`, `channels` bytes a pixel (1: greyscale, 3: RGB, 4: RGBA), row by row. */
function writePng(file, width, height, channels, pixels) {
  const stride = width * channels;
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (stride + 1)] = 0;
    Buffer.from(pixels.buffer, pixels.byteOffset + y * stride, stride).copy(rows, y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = { 1: 0, 3: 2, 4: 6 }[channels]; // greyscale, RGB or RGBA
  fs.writeFileSync(file, Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]));
}

/** Writes an 8-bit greyscale PNG photo of the code. */
function writeQrPng(file, payload, { width = 800, height = 600, scale = 6 } = {}) {
  writePng(file, width, height, 1, greyImage(payload, width, height, scale));
}

module.exports = { writeQrVideo, writeQrPng, writePng };
