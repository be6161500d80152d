// A preview of a data set before it is uploaded: its first rows as a
// table, read in the browser from the chosen file, with the columns the
// data spec maps to roles highlighted (and the spec's columns that the
// file lacks named).

import { h } from './dom.js';
import { parseCSV } from './csv.js';

/** PREVIEW_ROWS is how many rows of the data set the preview shows. */
export const PREVIEW_ROWS = 20;

/**
 * specColumns reads the columns: block of a data spec (YAML text) and
 * returns [{role, column}] for each column it names (a list, [a, b], names
 * several), and the spec's delimiter. It reads only what the preview
 * needs; the server reads the spec.
 */
export function specColumns(text) {
  const out = [];
  let delimiter = ',';
  let inColumns = false;
  let indent = -1;
  const clean = (v) => v.replace(/\s+#.*$/, '').trim().replace(/^(['"])(.*)\1$/, '$2');
  for (const raw of String(text || '').split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const m = /^(\s*)([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, sp, key, value] = m;
    if (sp.length === 0) {
      inColumns = key === 'columns';
      indent = -1;
      if (key === 'delimiter') {
        const d = clean(value);
        if (d) delimiter = d;
      }
      continue;
    }
    if (!inColumns) continue;
    if (indent < 0) indent = sp.length;
    if (sp.length !== indent) continue;
    const v = clean(value);
    if (!v) continue;
    const names = v.startsWith('[') ? v.replace(/^\[|\]$/g, '').split(',').map(clean).filter(Boolean) : [v];
    for (const column of names) out.push({ role: key, column });
  }
  return { columns: out, delimiter };
}

/** parseDelimited parses CSV text with a one-character delimiter. */
export function parseDelimited(text, delimiter) {
  if (delimiter === ',' || delimiter.length !== 1) return parseCSV(text);
  // Outside quotes the delimiter becomes a comma and a comma a NUL (put
  // back afterwards); quoted fields are left as they are.
  let out = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (!quoted && c === delimiter) out += ',';
    else if (!quoted && c === ',') out += '\u0000';
    else out += c;
  }
  const t = parseCSV(out);
  const back = (s) => s.split('\u0000').join(',');
  const header = t.header.map(back);
  return { header, rows: t.rows.map((r) => Object.fromEntries(t.header.map((k, i) => [header[i], back(r[k])]))) };
}

/**
 * csvPreview returns {el, header(), update(file, specText)}: the preview of
 * the first rows of file (a File), redrawn when the file or the spec
 * changes. header() is the file's header (for the split column).
 */
export function csvPreview() {
  const el = h('section', { class: 'csv-preview', 'aria-labelledby': 'csv-preview-h', 'data-testid': 'csv-preview', hidden: true });
  let header = [];
  let text = null;
  let fileName = '';
  let last = null;
  let spec = '';

  function draw() {
    if (text === null) { el.hidden = true; return; }
    const { columns, delimiter } = specColumns(spec);
    // Only whole lines: the file is read in part.
    const cut = text.length >= 65536 ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
    const t = parseDelimited(cut.replace(/^\ufeff/, ''), delimiter);
    header = t.header;
    const roles = new Map();
    for (const { role, column } of columns) roles.set(column, [...(roles.get(column) || []), role]);
    const missing = columns.filter((c) => !header.includes(c.column));
    const rows = t.rows.slice(0, PREVIEW_ROWS);
    el.hidden = false;
    el.replaceChildren(
      h('h3', { id: 'csv-preview-h' }, `Preview of ${fileName}`),
      h('p', { class: 'hint' }, `The first ${rows.length} rows, read in this browser. Highlighted: the columns the spec maps to a role (the role under the name).`),
      missing.length ? h('p', { class: 'csv-missing', 'data-testid': 'csv-missing' }, 'The spec names columns this file lacks: ',
        missing.map((c, i) => [i ? ', ' : '', h('code', {}, c.column), ` (columns.${c.role})`])) : '',
      h('div', { class: 'table-wrap' }, h('table', { class: 'preview' },
        h('caption', { class: 'visually-hidden' }, `First rows of ${fileName}`),
        h('thead', {}, h('tr', {}, header.map((c) => h('th', { scope: 'col', class: roles.has(c) ? 'text mapped' : 'text', 'data-column': c, 'data-role': (roles.get(c) || []).join(' ') || undefined },
          c, roles.has(c) ? h('span', { class: 'role' }, roles.get(c).join(', ')) : '')))),
        h('tbody', {}, rows.map((r) => h('tr', {}, header.map((c) => h('td', { class: roles.has(c) ? 'text mapped' : 'text' }, r[c]))))))));
  }

  return {
    el,
    header: () => header,
    /** update reads the first 64 KiB of file and redraws with specText. */
    async update(file, specText) {
      spec = specText;
      if (file !== last) text = null;
      last = file || null;
      if (file && text === null) {
        fileName = file.name;
        text = await file.slice(0, 65536).text();
      }
      if (!file) header = [];
      draw();
      return header;
    },
  };
}
