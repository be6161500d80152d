// A minimal YAML line editor for the scenario builder: it reads and
// rewrites single keys of a scenario in place, keeping every other byte of
// the text (comments, order, other keys). It understands the shapes the
// examples use: block mappings by indentation, one-line flow mappings
// ({kind: k-out, k: 4}, nested ones too) and plain scalars. Anything else
// (sequences, block scalars, multi-line flows, anchors) is "other": the
// builder leaves it to the text.

const KEY = /^( *)([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)(.*)$/;

/** stripComment returns the length of s before a " #" comment outside quotes. */
function valueEnd(s) {
  let q = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) { if (c === q) q = ''; continue; }
    if (c === '"' || c === "'") q = c;
    else if (c === '#' && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '\t')) return s.slice(0, i).trimEnd().length;
  }
  return s.trimEnd().length;
}

/** flow parses a one-line flow mapping at s[i] === '{' (absolute offset base). */
function flow(s, i, base) {
  const node = { kind: 'map', style: 'flow', entries: new Map(), start: base + i };
  let j = i + 1;
  const ws = () => { while (j < s.length && s[j] === ' ') j++; };
  ws();
  if (s[j] === '}') { node.close = base + j; node.end = base + j + 1; return { node, next: j + 1 }; }
  for (;;) {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(s.slice(j));
    if (!m) return null;
    const keyStart = base + j;
    const key = m[0];
    j += key.length;
    if (s[j] !== ':') return null;
    j++;
    ws();
    let child;
    if (s[j] === '{') {
      const r = flow(s, j, base);
      if (!r) return null;
      child = r.node; j = r.next;
    } else if (s[j] === '[' || s[j] === '"' || s[j] === "'") {
      return null;
    } else {
      const st = j;
      while (j < s.length && s[j] !== ',' && s[j] !== '}') j++;
      const v = s.slice(st, j).trimEnd();
      child = { kind: 'scalar', value: v, start: base + st, end: base + st + v.length };
    }
    child.keyStart = keyStart;
    node.entries.set(key, child);
    ws();
    if (s[j] === ',') { j++; continue; }
    if (s[j] === '}') { node.close = base + j; node.end = base + j + 1; return { node, next: j + 1 }; }
    return null;
  }
}

/** lines splits text into {text, start} rows (offsets of each line). */
function rows(text) {
  const out = [];
  let at = 0;
  for (const t of text.split('\n')) { out.push({ text: t, start: at }); at += t.length + 1; }
  return out;
}

const blank = (t) => /^\s*(#.*)?$/.test(t);
const indentOf = (t) => t.length - t.trimStart().length;

/** block parses the block mapping of rows[from, to) at the given indent. */
function block(rs, from, to, indent) {
  const node = { kind: 'map', style: 'block', entries: new Map(), indent, lastRow: from - 1 };
  let i = from;
  while (i < to) {
    const t = rs[i].text;
    if (blank(t)) { i++; continue; }
    if (indentOf(t) !== indent) return null;
    const m = KEY.exec(t);
    if (!m) return { kind: 'other' };
    // The rows of this entry: every following row indented more (or blank).
    let j = i + 1;
    while (j < to && (blank(rs[j].text) || indentOf(rs[j].text) > indent)) j++;
    let last = j - 1;
    while (last > i && blank(rs[last].text)) last--;
    const rest = m[3];
    const vstart = rs[i].start + m[1].length + m[2].length + 1 + (t.length - m[1].length - m[2].length - 1 - rest.length);
    const vlen = valueEnd(rest);
    let child;
    if (vlen === 0) {
      if (last > i) {
        const first = rs[i + 1 + rs.slice(i + 1, last + 1).findIndex((r) => !blank(r.text))].text;
        const ci = indentOf(first);
        child = (first.trimStart().startsWith('- ') ? seq(rs, i + 1, last + 1, ci) : block(rs, i + 1, last + 1, ci)) || { kind: 'other' };
      } else child = { kind: 'scalar', value: '', start: vstart, end: vstart };
    } else if (rest[0] === '{' && last === i) {
      const r = flow(rest, 0, vstart);
      child = r && valueEnd(rest.slice(r.next)) === 0 ? r.node : { kind: 'other' };
    } else if (/^[[|>&*!-]/.test(rest) || last > i) {
      child = { kind: 'other' };
    } else {
      child = { kind: 'scalar', value: rest.slice(0, vlen), start: vstart, end: vstart + vlen };
    }
    child.keyRow = i;
    child.valueStart = vstart;
    child.valueEnd = last > i ? rs[last].start + rs[last].text.length : vstart + vlen;
    node.entries.set(m[2], child);
    node.lastRow = last;
    i = j;
  }
  return node;
}

/**
 * seq parses a block sequence of one-line flow mappings (the shape of
 * population.groups in the examples): rows "- {name: a, share: 0.5}".
 */
function seq(rs, from, to, indent) {
  const node = { kind: 'seq', items: [], indent, lastRow: from - 1 };
  for (let i = from; i < to; i++) {
    const t = rs[i].text;
    if (blank(t)) continue;
    const m = /^( *)- +(\{.*)$/.exec(t);
    if (!m || m[1].length !== indent) return null;
    const r = flow(m[2], 0, rs[i].start + t.length - m[2].length);
    if (!r || valueEnd(m[2].slice(r.next)) !== 0) return null;
    r.node.row = i;
    node.items.push(r.node);
    node.lastRow = i;
  }
  return node;
}

/** parse returns the root node of a scenario text, or {kind: 'other'}. */
export function parse(text) {
  const rs = rows(text);
  return block(rs, 0, rs.length, 0) || { kind: 'other' };
}

/** lookup returns the node at path ('population.size'), undefined when absent, or {kind:'other'}. */
export function lookup(text, path) {
  let n = parse(text);
  for (const k of path.split('.')) {
    if (n && n.kind === 'seq' && /^\d+$/.test(k)) { n = n.items[Number(k)]; continue; }
    if (!n || n.kind !== 'map') return n && n.kind === 'other' ? n : (n ? { kind: 'other' } : undefined);
    n = n.entries.get(k);
  }
  return n;
}

/** unquote reads a scalar's text as a string. */
export function scalar(n) {
  if (!n || n.kind !== 'scalar') return undefined;
  const v = n.value;
  if (/^"(.*)"$/.test(v) || /^'(.*)'$/.test(v)) return v.slice(1, -1);
  return v;
}

const splice = (text, s, e, ins) => text.slice(0, s) + ins + text.slice(e);

/** nest writes the rest of a path as a flow value: ['a','b'], 1 -> {a: {b: 1}}. */
const nest = (keys, v) => keys.reduceRight((acc, k) => `{${k}: ${acc}}`, v);

/**
 * setAt returns text with the value at path set to v (YAML text), or null
 * when the path goes through a shape the builder cannot edit (a scalar or
 * a sequence where a mapping would be). Missing keys are added: at the end
 * of their block mapping, or before the closing brace of a flow mapping.
 * replace: the whole value of the key is replaced even when it is a
 * mapping (a block value is then written as a flow one).
 */
export function setAt(text, path, v, opts = {}) {
  const keys = path.split('.');
  const rs = rows(text);
  let n = block(rs, 0, rs.length, 0);
  if (!n || n.kind !== 'map') return null;
  for (let d = 0; d < keys.length; d++) {
    const k = keys[d];
    if (n.kind === 'seq') {
      n = /^\d+$/.test(k) ? n.items[Number(k)] : undefined;
      if (!n || d === keys.length - 1) return null;
      continue;
    }
    const child = n.entries.get(k);
    if (child === undefined) {
      const val = nest(keys.slice(d + 1), v);
      if (n.style === 'flow') {
        const empty = n.entries.size === 0;
        return splice(text, n.close, n.close, `${empty ? '' : ', '}${k}: ${val}`);
      }
      // opts.block: a missing top-level key is written as a block mapping
      // (population:\n  size: 60), so that lines can be added under it.
      const line = opts.block && d === 0 && keys.length > 1
        ? `${k}:\n  ${keys[1]}: ${nest(keys.slice(2), v)}` : `${' '.repeat(n.indent)}${k}: ${val}`;
      if (n.lastRow < 0 || (d === 0)) {
        // Top level: at the end of the text.
        const sep = text === '' || text.endsWith('\n') ? '' : '\n';
        return `${text}${sep}${line}\n`;
      }
      const r = rs[n.lastRow];
      const at = r.start + r.text.length;
      return splice(text, at, at, `\n${line}`);
    }
    if (d === keys.length - 1) {
      if (child.kind === 'scalar') return splice(text, child.start, child.end, v);
      return null;
    }
    if (child.kind !== 'map' && child.kind !== 'seq') return null;
    n = child;
  }
  return null;
}

/** seqAt returns the sequence node at path and the rows of the text, or null. */
function seqAt(text, path) {
  const n = lookup(text, path);
  return n && n.kind === 'seq' ? n : null;
}

/** appendItem returns text with the flow mapping item added to the sequence at path, or null. */
export function appendItem(text, path, item) {
  const n = seqAt(text, path);
  if (!n) return null;
  const rs = rows(text);
  const r = rs[n.lastRow];
  const at = r.start + r.text.length;
  return splice(text, at, at, `\n${' '.repeat(n.indent)}- ${item}`);
}

/** removeItem returns text without item i of the sequence at path (its row), or null. */
export function removeItem(text, path, i) {
  const n = seqAt(text, path);
  if (!n || !n.items[i]) return null;
  const rs = rows(text);
  const r = rs[n.items[i].row];
  const end = r.start + r.text.length + (r.start + r.text.length < text.length ? 1 : 0);
  return splice(text, r.start, end, '');
}

/**
 * entryAt walks a top-level or nested key path (through sequences by the
 * index of their item): it returns the rows of text, the mapping that
 * holds the path's last key and that key's entry, the entry undefined when
 * a key on the way is absent; or null when the path runs through another
 * shape.
 */
function entryAt(text, path) {
  const keys = path.split('.');
  const rs = rows(text);
  let n = block(rs, 0, rs.length, 0);
  for (let d = 0; d < keys.length; d++) {
    if (n && n.kind === 'seq' && d < keys.length - 1) { n = n.items[Number(keys[d])]; continue; }
    if (!n || n.kind !== 'map') return null;
    const child = n.entries.get(keys[d]);
    if (child === undefined || d === keys.length - 1) return { rs, map: n, child };
    n = child;
  }
  return null;
}

/** replaceValue returns text with the whole value of a top-level or nested key replaced by v. */
export function replaceValue(text, path, v) {
  const at = entryAt(text, path);
  if (!at) return null;
  const { rs, child } = at;
  if (child === undefined) return setAt(text, path, v);
  if (child.kind === 'scalar') return splice(text, child.start, child.end, v);
  if (child.kind === 'map' && child.style === 'flow') return splice(text, child.start, child.end, v);
  if (child.valueStart !== undefined && child.keyRow !== undefined) {
    // A block value: the key's line keeps its key, the rows below go.
    const keyRow = rs[child.keyRow];
    const s = keyRow.start + keyRow.text.indexOf(':') + 1;
    return splice(text, s, child.valueEnd, ` ${v}`);
  }
  return null;
}

/**
 * removeAt returns text without the key at path (its line in a block
 * mapping, its entry in a flow mapping), the text unchanged when the key
 * is absent, or null when the builder cannot edit that shape.
 */
export function removeAt(text, path) {
  const at = entryAt(text, path);
  if (!at) return null;
  const { rs, map: n, child } = at;
  if (child === undefined) return text;
  if (n.style === 'flow') {
    const list = [...n.entries.values()];
    const i = list.indexOf(child);
    const end = child.kind === 'map' ? child.end : child.end;
    if (list.length === 1) return splice(text, child.keyStart, end, '');
    if (i === 0) return splice(text, child.keyStart, list[1].keyStart, '');
    const prev = list[i - 1];
    return splice(text, prev.kind === 'map' ? prev.end : prev.end, end, '');
  }
  // A block entry: its rows, with their newline.
  const first = rs[child.keyRow];
  let endAt = child.valueEnd;
  if (endAt < text.length && text[endAt] === '\n') endAt++;
  return splice(text, first.start, endAt, '');
}
