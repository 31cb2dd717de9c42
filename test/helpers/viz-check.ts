// Checks of what the plotting code makes, for the tests (no dependencies): XML well-formedness
// of an SVG string, and a minimal PNG reader (IHDR size, IDAT inflated with node:zlib, filters
// undone) that counts pixels differing from the top-left one.
import { inflateSync } from 'node:zlib';

/** Checks XML well-formedness of what svg.ts emits: balanced tags, quoted attributes, known entities only. */
export function checkXml(s: string): { elements: Map<string, number>; texts: string[] } {
  const stack: string[] = [];
  const elements = new Map<string, number>();
  const texts: string[] = [];
  let i = 0;
  let roots = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const chunk = lt < 0 ? s.slice(i) : s.slice(i, lt);
    if (/[<>]/.test(chunk) || /&(?!(amp|lt|gt|quot|#39|#\d+);)/.test(chunk)) throw new Error(`bad character data near ${JSON.stringify(chunk.slice(0, 40))}`);
    if (chunk.trim() !== '') {
      if (stack.length === 0) throw new Error('text outside the root element');
      texts.push(chunk);
    }
    if (lt < 0) break;
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = s.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else {
      const m = /^([A-Za-z][\w:-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)$/.exec(tag);
      if (m === null) throw new Error(`malformed tag <${tag.slice(0, 80)}>`);
      const names = [...m[2]!.matchAll(/([A-Za-z_:][\w:.-]*)="/g)].map((a) => a[1]);
      if (new Set(names).size !== names.length) throw new Error(`duplicate attribute in <${m[1]}>`);
      for (const v of m[2]!.matchAll(/="([^"]*)"/g)) if (/&(?!(amp|lt|gt|quot|#39|#\d+);)/.test(v[1]!)) throw new Error(`bad entity in attribute ${v[1]}`);
      elements.set(m[1]!, (elements.get(m[1]!) ?? 0) + 1);
      if (stack.length === 0) roots++;
      if (m[3] !== '/') stack.push(m[1]!);
    }
    i = gt + 1;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('> <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return { elements, texts };
}

/** Width and height of an 8-bit PNG (from IHDR), and how many pixels differ from the first one (decoded: IDAT inflated, filters undone). */
export function readPng(png: Uint8Array): { width: number; height: number; nonBackground: number } {
  const b = Buffer.from(png);
  if (!b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) throw new Error('not a PNG signature');
  let off = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  let depth = 0;
  const idat: Buffer[] = [];
  while (off < b.length) {
    const len = b.readUInt32BE(off);
    const type = b.toString('latin1', off + 4, off + 8);
    const data = b.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8]!;
      colorType = data[9]!;
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  if (depth !== 8) throw new Error(`bit depth ${depth}, only 8 is read here`);
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (channels === undefined) throw new Error(`colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error(`IDAT holds ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  let first: number[] | undefined;
  let nonBackground = 0;
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const up = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      const x = line[i]!;
      let v: number;
      if (f === 0) v = x;
      else if (f === 1) v = x + a;
      else if (f === 2) v = x + up;
      else if (f === 3) v = x + ((a + up) >> 1);
      else {
        const p = a + up - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? up : c);
      }
      cur[i] = v & 255;
    }
    for (let px = 0; px < width; px++) {
      const pix = Array.from(cur.subarray(px * channels, (px + 1) * channels));
      first ??= pix;
      if (pix.some((v, k) => v !== first![k])) nonBackground++;
    }
    prev.set(cur);
  }
  return { width, height, nonBackground };
}
