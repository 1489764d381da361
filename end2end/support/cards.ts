// Generated business cards for the card reader's tests and benchmark: a card drawn with the
// machine's CJK fonts (Debian's fonts-noto-cjk) in a browser canvas, as the tablet's camera would
// see it on a desk, written as a video for Chromium's fake camera (Y4M, 4:2:0) or as a PNG.
import * as fs from 'node:fs';

import { Browser } from '@playwright/test';

/** What a card says, as the form should read it. */
export interface CardText {
  company: string;
  name: string;
  title: string;
  mobile: string;
  phone?: string;
  email?: string;
  address?: string;
  english?: { company: string; name: string };
}

export const SAMPLE_CARD: CardText = {
  company: '成都天府智造科技有限公司',
  name: '欧阳晓明',
  title: '投资发展部 总监',
  mobile: '138 0013 8000',
  phone: '028-8888 6666',
  email: 'ouyang@tfzz.cn',
  address: '四川省成都市高新区天府大道北段1700号',
};

/** The card drawn at `width` × `height` (a desk around it, the card slightly turned), as RGBA. */
export async function drawCard(browser: Browser, card: CardText, width = 1280, height = 720): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    await page.setContent('<!doctype html><html><body></body></html>');
    const base64: string = await page.evaluate(
      ({ card, width, height }) => {
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#7d6650';
        g.fillRect(0, 0, width, height);
        const cw = width * 0.86;
        const ch = cw / 1.75;
        g.save();
        g.translate(width / 2, height / 2);
        g.rotate(-0.025);
        g.fillStyle = '#fbfaf6';
        g.fillRect(-cw / 2, -ch / 2, cw, ch);
        g.fillStyle = '#b3261e';
        g.fillRect(-cw / 2, -ch / 2, cw, ch * 0.05);
        const u = ch / 100;
        const x = -cw / 2 + 8 * u;
        let y = -ch / 2 + 18 * u;
        const line = (text: string, size: number, bold = false) => {
          g.font = `${bold ? 'bold ' : ''}${size * u}px "Noto Sans CJK SC", sans-serif`;
          g.fillStyle = '#1d1b1a';
          g.fillText(text, x, y);
          y += size * u * 1.45;
        };
        line(card.company, 7, true);
        if (card.english) line(card.english.company, 3.6);
        y += 3 * u;
        line(card.name, 11, true);
        if (card.english) line(card.english.name, 4.5);
        line(card.title, 5);
        y += 2 * u;
        line(`手机：${card.mobile}`, 4.6);
        if (card.phone) line(`电话：${card.phone}`, 4.6);
        if (card.email) line(`邮箱：${card.email}`, 4.6);
        if (card.address) line(`地址：${card.address}`, 4.6);
        g.restore();
        const data = g.getImageData(0, 0, width, height).data;
        let binary = '';
        for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
        return btoa(binary);
      },
      { card, width, height },
    );
    return Buffer.from(base64, 'base64');
  } finally {
    await page.close();
  }
}

/** Writes RGBA pixels as a Y4M video of `frames` identical frames (4:2:0, BT.601). */
export function writeY4m(file: string, rgba: Buffer, width: number, height: number, frames = 10): void {
  const y = Buffer.alloc(width * height);
  const cw = width >> 1;
  const chh = height >> 1;
  const u = Buffer.alloc(cw * chh);
  const v = Buffer.alloc(cw * chh);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const p = (j * width + i) * 4;
      y[j * width + i] = Math.round(0.257 * rgba[p] + 0.504 * rgba[p + 1] + 0.098 * rgba[p + 2] + 16);
    }
  }
  for (let j = 0; j < chh; j++) {
    for (let i = 0; i < cw; i++) {
      const p = (2 * j * width + 2 * i) * 4;
      const [r, g, b] = [rgba[p], rgba[p + 1], rgba[p + 2]];
      u[j * cw + i] = Math.round(-0.148 * r - 0.291 * g + 0.439 * b + 128);
      v[j * cw + i] = Math.round(0.439 * r - 0.368 * g - 0.071 * b + 128);
    }
  }
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) parts.push(Buffer.from('FRAME\n'), y, u, v);
  fs.writeFileSync(file, Buffer.concat(parts));
}
