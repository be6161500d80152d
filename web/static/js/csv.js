// A CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF) for the
// tables the server writes. It only splits text; it computes nothing.

/** parseCSV returns {header, rows} with rows as objects keyed by column. */
export function parseCSV(text) {
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field); field = '';
      records.push(record); record = [];
    } else field += c;
  }
  if (field !== '' || record.length) { record.push(field); records.push(record); }
  const [header = [], ...rest] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((k, j) => [k, r[j] ?? '']))) };
}

/** value turns a CSV cell into a number, or null for NA and empty cells. */
export function value(cell) {
  if (cell === undefined || cell === '' || cell === 'NA') return null;
  const v = Number(cell);
  return Number.isFinite(v) ? v : null;
}
