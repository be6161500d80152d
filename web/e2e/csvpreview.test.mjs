// The fit form's data preview (web/static/js/csvpreview.js): the columns a
// data spec maps, read from the shipped specs, and CSV with another
// delimiter; tested in Node without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { specColumns, parseDelimited } from '../static/js/csvpreview.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const spec = (name) => readFileSync(path.join(repo, 'examples', 'data', `${name}.yaml`), 'utf8');
const pairs = (s) => specColumns(s).columns.map((c) => `${c.role}:${c.column}`);

test('specColumns: the columns each shipped spec maps, lists and comments included', () => {
  assert.deepEqual(pairs(spec('mikus2023')), ['subject:subject', 'partner:trustee', 'trial:trial', 'sent:investment', 'outcome:backtransfer', 'group:treatment']);
  assert.deepEqual(pairs(spec('berg1995')), ['subject:treatment', 'subject:pair_index', 'sent:amount_sent', 'returned:amount_returned',
    'group:treatment', 'trustee:treatment', 'trustee:pair_index']);
  assert.deepEqual(pairs(spec('srndna')), ['subject:sub', 'partner:partner', 'partner_kind:partner', 'trial:trial', 'order:run', 'order:trial',
    'sent:amount_sent', 'outcome:outcome', 'offer_low:offer_low', 'offer_high:offer_high', 'choice:choice']);
  assert.equal(specColumns(spec('mikus2023')).delimiter, ',');
});

test('specColumns: a delimiter, quoted names, and keys outside columns: ignored', () => {
  const s = 'name: x\ndelimiter: ";"\ncolumns:\n  subject: "id"   # quoted\n  sent: \'sent amount\'\ngame:\n  partner: p\n';
  assert.deepEqual(specColumns(s), { columns: [{ role: 'subject', column: 'id' }, { role: 'sent', column: 'sent amount' }], delimiter: ';' });
  assert.deepEqual(specColumns(''), { columns: [], delimiter: ',' });
});

test('parseDelimited: semicolons, with commas and quotes inside fields', () => {
  const t = parseDelimited('id;note;sent\n1;"a; b";3\n2;x,y;4\n', ';');
  assert.deepEqual(t.header, ['id', 'note', 'sent']);
  assert.deepEqual(t.rows, [{ id: '1', note: 'a; b', sent: '3' }, { id: '2', note: 'x,y', sent: '4' }]);
  assert.deepEqual(parseDelimited('a,b\n1,2\n', ',').rows, [{ a: '1', b: '2' }]);
});
