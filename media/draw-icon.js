// Draws media/icon.png (256×256): two speech bubbles, a conversation, on a rounded navy tile, with
// three sparks of generation. Pure Node (zlib for the PNG), no image library and no downloaded art:
// `node media/draw-icon.js` regenerates it byte for byte.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const SIZE = 256;
const SS = 4; // supersampling per axis, for smooth edges

function roundedRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.max(x0 + r, Math.min(x, x1 - r));
  const cy = Math.max(y0 + r, Math.min(y, y1 - r));
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

function triangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const s = (p, q, r) => (p[0] - r[0]) * (q[1] - r[1]) - (q[0] - r[0]) * (p[1] - r[1]);
  const pt = [x, y];
  const d1 = s(pt, [ax, ay], [bx, by]);
  const d2 = s(pt, [bx, by], [cx, cy]);
  const d3 = s(pt, [cx, cy], [ax, ay]);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

const circle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

function spark(x, y, cx, cy, r) {
  // a four-pointed star: |dx|^0.5 + |dy|^0.5 <= r^0.5
  return Math.sqrt(Math.abs(x - cx)) + Math.sqrt(Math.abs(y - cy)) <= Math.sqrt(r);
}

const NAVY_TOP = [37, 52, 92];
const NAVY_BOTTOM = [20, 28, 52];
const ORANGE = [240, 138, 60];
const LIGHT = [236, 241, 250];
const SHADOW = [14, 20, 38];
const DOT = [37, 52, 92];
const GOLD = [255, 211, 110];

/** The colour at one sample point (undefined = transparent), painter's order. */
function sample(x, y) {
  if (!roundedRect(x, y, 8, 8, 248, 248, 48)) return undefined;
  const t = (y - 8) / 240;
  let c = NAVY_TOP.map((v, i) => v + (NAVY_BOTTOM[i] - v) * t);
  // back bubble (orange), tail bottom-left
  const back = (dx, dy) => roundedRect(x - dx, y - dy, 36, 52, 170, 140, 30) || triangle(x - dx, y - dy, [60, 128], [96, 128], [50, 168]);
  if (back(4, 5)) c = SHADOW;
  if (back(0, 0)) c = ORANGE;
  // front bubble (light), tail bottom-right
  const front = (dx, dy) =>
    roundedRect(x - dx, y - dy, 92, 112, 222, 198, 30) || triangle(x - dx, y - dy, [170, 186], [204, 186], [214, 226]);
  if (front(4, 5)) c = SHADOW;
  if (front(0, 0)) c = LIGHT;
  for (const cx of [124, 157, 190]) if (circle(x, y, cx, 155, 10)) c = DOT;
  if (spark(x, y, 206, 58, 26) || spark(x, y, 226, 94, 10) || spark(x, y, 178, 34, 8)) c = GOLD;
  return c;
}

function pixels() {
  const out = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let py = 0; py < SIZE; py++) {
    const row = py * (SIZE * 4 + 1);
    out[row] = 0; // filter: none
    for (let px = 0; px < SIZE; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a++;
        }
      }
      const o = row + 1 + px * 4;
      out[o] = a ? Math.round(r / a) : 0;
      out[o + 1] = a ? Math.round(g / a) : 0;
      out[o + 2] = a ? Math.round(b / a) : 0;
      out[o + 3] = Math.round((255 * a) / (SS * SS));
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', zlib.deflateSync(pixels(), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
fs.writeFileSync(path.join(__dirname, 'icon.png'), png);
console.log(`media/icon.png: ${SIZE}x${SIZE}, ${png.length} bytes`);
