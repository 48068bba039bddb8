// amt's forms, enhanced: one step at a time with progress, conditional parts
// shown and hidden (hidden answers cleared), rules checked with the author's
// messages and an error summary, computed values, repeats, a review page, and
// the submission as the JSON the procedure's schema describes.
//
// No dependencies, no eval: the conditions, rules and computed values come as
// data (the checked model's expressions, in <script type="application/json"
// id="amt-model">) and are interpreted here with the semantics of amt's
// validator (src/validate/eval.rs): three-valued logic, an unanswered yes/no
// counts as no, dates on the calendar, money in cents.
(() => {
  'use strict';
  const island = document.getElementById('amt-model');
  const form = document.querySelector('form.amt-form');
  if (!island || !form) return;
  const M = JSON.parse(island.textContent);
  const T = M.texts;

  // ------------------------------------------------------------ the model
  const nodes = new Map();
  const index = (list) => {
    for (const n of list || []) {
      nodes.set(n.path, n);
      if (n.kind === 'group') index(n.items);
    }
  };
  for (const p of M.pages) index(p.items);
  index(M.attachments);
  index(M.computed);
  const fees = new Map((M.fees || []).map((f) => [f.id, f]));
  // The code lists whose columns expressions read, by key and code.
  const lists = new Map(Object.entries(M.lists || {}).map(([k, l]) => [k, new Map(l.values.map((c) => [c.code, c]))]));
  const codeOf = (list, code) => (lists.get(list) || new Map()).get(code);
  const text = (t) => (t ? t[M.lang] ?? t[M.source] ?? Object.values(t)[0] ?? '' : '');
  // "Label: message", without a colon after a label that ends in `?` or `:`.
  const labelled = (label, message) => (/[?:!]$/.test(label) ? `${label} ${message}` : `${label}: ${message}`);

  // ------------------------------------------------------------ calendar
  const daysFromCivil = (y, m, d) => {
    y -= m <= 2 ? 1 : 0;
    const era = Math.floor(y / 400);
    const yoe = y - era * 400;
    const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  };
  const civilFromDays = (z0) => {
    const z = z0 + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  };
  const monthDays = (y, m) => [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  // Years 0001 to 9999, as amt's validator (no year 0000).
  const parseDate = (s) => {
    const r = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
    if (!r) return null;
    const [y, m, d] = [+r[1], +r[2], +r[3]];
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= monthDays(y, m) ? daysFromCivil(y, m, d) : null;
  };
  const addMonths = (days, months) => {
    const [y, m, d] = civilFromDays(days);
    const total = y * 12 + m - 1 + months;
    const ny = Math.floor(total / 12);
    const nm = total - ny * 12 + 1;
    return daysFromCivil(ny, nm, Math.min(d, monthDays(ny, nm)));
  };
  const parseTime = (s) => {
    const r = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s || '');
    return r ? +r[1] * 60 + +r[2] : null;
  };
  // Today in Germany (the page runs where the applicant is; close enough).
  // Today in Germany, where the procedures' deadlines run.
  const realToday = parseDate(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date()));
  let todayOverride = null;
  const todayDays = () => (todayOverride === null ? realToday : todayOverride);

  // ------------------------------------------------------------ values
  // Unknown is `U`; other values are tagged: {b}, {i}, {d}, {m} (cents),
  // {s}, {date}, {time}, {dt}, {dur: [months, days]}, {code}, {set},
  // {list}, {files}, {present}.
  const U = { u: true };
  const isU = (v) => v === U;
  const B = (b) => (b === null || b === undefined ? U : { b });
  const num = (v) => (v.i !== undefined ? v.i : v.d !== undefined ? v.d : null);
  // Euros exact to the cent: at most two decimals, and within what every
  // JSON reader keeps exactly (2^53 − 1 cents), as amt's validator.
  const SAFE_MONEY = 90071992547409;
  const cents = (n) => {
    if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > SAFE_MONEY) return null;
    const s = String(n);
    if (/e/i.test(s) || (s.split('.')[1] || '').length > 2) return null;
    return Math.round(n * 100);
  };

  const fieldValue = (ty, j) => {
    switch (ty.base) {
      case 'text': return typeof j === 'string' ? { s: j } : U;
      case 'integer': return typeof j === 'number' && Number.isInteger(j) ? { i: j } : U;
      case 'decimal': return typeof j === 'number' ? { d: j } : U;
      case 'money': { const c = cents(j); return c === null ? U : { m: c }; }
      case 'boolean': case 'consent': return typeof j === 'boolean' ? { b: j } : U;
      case 'date': { const d = parseDate(j); return d === null ? U : { date: d }; }
      case 'time': { const t = parseTime(j); return t === null ? U : { time: t }; }
      case 'datetime': {
        const [dd, tt] = String(j).split('T');
        const d = parseDate(dd); const t = parseTime(tt);
        return d === null || t === null ? U : { dt: d * 1440 + t };
      }
      case 'choice':
        if (ty.multiple) return Array.isArray(j) && j.every((x) => typeof x === 'string') ? { set: j } : U;
        return typeof j === 'string' ? { code: j } : U;
      default: return U;
    }
  };
  const unanswered = (ty) => {
    if (ty.base === 'boolean' || ty.base === 'consent') return { b: false };
    if (ty.base === 'choice' && ty.multiple) return { set: [] };
    return U;
  };
  const literal = (l) => {
    switch (l.type) {
      case 'boolean': return { b: l.value };
      case 'integer': return { i: l.value };
      case 'decimal': return { d: parseFloat(l.value) };
      case 'money': return { m: l.value };
      case 'text': return { s: l.value };
      case 'date': { const d = parseDate(l.value); return d === null ? U : { date: d }; }
      case 'code': return { code: l.value };
      case 'duration': {
        const n = l.value.amount;
        return { dur: { days: [0, n], weeks: [0, 7 * n], months: [n, 0], years: [12 * n, 0] }[l.value.unit] };
      }
      default: return U;
    }
  };
  const compare = (l, r) => {
    const pairs = [['i', 'i'], ['m', 'm'], ['time', 'time'], ['dt', 'dt'], ['date', 'date']];
    for (const [a, b] of pairs) if (l[a] !== undefined && r[b] !== undefined) return Math.sign(l[a] - r[b]);
    if (l.dur && r.dur) return Math.sign(l.dur[0] * 30 + l.dur[1] - (r.dur[0] * 30 + r.dur[1]));
    const x = num(l); const y = num(r);
    return x === null || y === null ? null : Math.sign(x - y);
  };
  const equal = (l, r) => {
    if (isU(l) || isU(r)) return null;
    const str = (v) => (v.s !== undefined ? v.s : v.code);
    if (str(l) !== undefined && str(r) !== undefined) return str(l) === str(r);
    if (l.b !== undefined && r.b !== undefined) return l.b === r.b;
    if (l.set && r.set) return JSON.stringify([...l.set].sort()) === JSON.stringify([...r.set].sort());
    const c = compare(l, r);
    return c === null ? null : c === 0;
  };
  const member = (l, r) => {
    if (isU(l)) return null;
    if (r.set) return l.code !== undefined ? r.set.includes(l.code) : null;
    if (r.list) {
      let unknown = false;
      for (const i of r.list) {
        const e = equal(l, i);
        if (e === true) return true;
        if (e === null) unknown = true;
      }
      return unknown ? null : false;
    }
    return null;
  };
  const roundCents = (c) => (Number.isFinite(c) ? { m: Math.sign(c) * Math.round(Math.abs(c)) } : U);
  const addDur = (days, [months, ds]) => {
    if (Math.abs(months) > 120000 || Math.abs(ds) > 3660000) return null;
    const moved = addMonths(days, months) + ds;
    const y = civilFromDays(moved)[0];
    return y >= 1 && y <= 9999 ? moved : null;
  };
  const arithmetic = (op, l, r) => {
    const sign = op === 'sub' ? -1 : 1;
    if (l.i !== undefined && r.i !== undefined && op !== 'div') {
      const v = op === 'add' ? l.i + r.i : op === 'sub' ? l.i - r.i : l.i * r.i;
      return Number.isSafeInteger(v) ? { i: v } : U;
    }
    if (l.m !== undefined && r.m !== undefined) {
      if (op === 'add' || op === 'sub') return { m: l.m + sign * r.m };
      if (op === 'div') return r.m !== 0 ? { d: l.m / r.m } : U;
    }
    if (op === 'mul' && l.m !== undefined && num(r) !== null) return roundCents(l.m * num(r));
    if (op === 'mul' && r.m !== undefined && num(l) !== null) return roundCents(r.m * num(l));
    if (op === 'div' && l.m !== undefined && num(r) !== null && num(r) !== 0) return roundCents(l.m / num(r));
    if (l.date !== undefined && r.dur && (op === 'add' || op === 'sub')) {
      const d = addDur(l.date, [sign * r.dur[0], sign * r.dur[1]]);
      return d === null ? U : { date: d };
    }
    if (l.dur && r.date !== undefined && op === 'add') {
      const d = addDur(r.date, l.dur);
      return d === null ? U : { date: d };
    }
    if (l.dt !== undefined && r.dur && (op === 'add' || op === 'sub')) {
      const d = addDur(Math.floor(l.dt / 1440), [sign * r.dur[0], sign * r.dur[1]]);
      return d === null ? U : { dt: d * 1440 + (((l.dt % 1440) + 1440) % 1440) };
    }
    if (l.date !== undefined && r.date !== undefined && op === 'sub') return { i: l.date - r.date };
    if (l.dur && r.dur && (op === 'add' || op === 'sub')) return { dur: [l.dur[0] + sign * r.dur[0], l.dur[1] + sign * r.dur[1]] };
    const a = num(l); const b = num(r);
    if (a === null || b === null) return U;
    const v = op === 'add' ? a + b : op === 'sub' ? a - b : op === 'mul' ? a * b : b !== 0 ? a / b : NaN;
    return Number.isFinite(v) ? { d: v } : U;
  };

  class Eval {
    constructor(data, bound = []) { this.data = data; this.bound = bound; }
    eval(e) {
      switch (e.op) {
        case 'literal': return literal(e.value);
        case 'today': return { date: todayDays() };
        case 'ref': return this.lookup(e.path, false);
        case 'unary': {
          const v = this.eval(e.operand);
          if (e.operator === 'not') return v.b !== undefined ? { b: !v.b } : U;
          if (v.i !== undefined) return { i: -v.i };
          if (v.d !== undefined) return { d: -v.d };
          if (v.m !== undefined) return { m: -v.m };
          if (v.dur) return { dur: [-v.dur[0], -v.dur[1]] };
          return U;
        }
        case 'binary': return this.binary(e);
        case 'if': {
          const c = this.eval(e.condition);
          return c.b === true ? this.eval(e.then) : c.b === false ? this.eval(e.otherwise) : U;
        }
        case 'list': return { list: e.items.map((i) => this.eval(i)) };
        case 'column': {
          const cell = (v) => {
            const c = v.code === undefined ? undefined : codeOf(e.codelist, v.code);
            return c && c.cells && c.cells[e.column] ? literal(c.cells[e.column]) : U;
          };
          const v = this.eval(e.value);
          return v.list ? { list: v.list.map(cell) } : cell(v);
        }
        case 'call': return this.call(e);
        default: return U;
      }
    }
    binary(e) {
      const op = e.operator;
      const l = this.eval(e.left);
      if (op === 'and' && l.b === false) return { b: false };
      if (op === 'or' && l.b === true) return { b: true };
      const r = this.eval(e.right);
      switch (op) {
        case 'and': return r.b === false ? { b: false } : l.b === true && r.b === true ? { b: true } : U;
        case 'or': return r.b === true ? { b: true } : l.b === false && r.b === false ? { b: false } : U;
        case 'eq': return B(equal(l, r));
        case 'ne': { const q = equal(l, r); return B(q === null ? null : !q); }
        case 'lt': case 'le': case 'gt': case 'ge': {
          const c = compare(l, r);
          if (c === null) return U;
          return { b: { lt: c < 0, le: c <= 0, gt: c > 0, ge: c >= 0 }[op] };
        }
        case 'in': return B(member(l, r));
        case 'not_in': { const m = member(l, r); return B(m === null ? null : !m); }
        default: return arithmetic(op, l, r);
      }
    }
    call(e) {
      const a = e.args;
      switch (e.function) {
        case 'age': {
          const born = this.eval(a[0]);
          const at = a[1] ? this.eval(a[1]) : { date: todayDays() };
          if (born.date === undefined || at.date === undefined) return U;
          const [by, bm, bd] = civilFromDays(born.date);
          const [ay, am, ad] = civilFromDays(at.date);
          return { i: ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0) };
        }
        case 'len': { const v = this.eval(a[0]); return v.s !== undefined ? { i: [...v.s].length } : U; }
        case 'matches': {
          const v = this.eval(a[0]);
          if (v.s === undefined) return U;
          try { return { b: new RegExp(`^(?:${a[1].value.value})$`, 'u').test(v.s) }; } catch { return U; }
        }
        case 'filled': {
          if (a[0].op !== 'ref') return U;
          const v = this.lookup(a[0].path, true);
          return { b: !isU(v) && v.files !== 0 };
        }
        case 'sum': {
          const v = this.eval(a[0]);
          if (!v.list) return U;
          const item = a[0].type.item ? a[0].type.item.base : 'integer';
          let total = item === 'money' ? { m: 0 } : item === 'decimal' ? { d: 0 } : { i: 0 };
          for (const x of v.list) total = arithmetic('add', total, x);
          return total;
        }
        case 'position': {
          // The item of the repeat this expression is evaluated in, from 1.
          const b = [...this.bound].reverse().find(([p]) => p === e.over);
          return b && b[1] < 1e9 ? { i: b[1] + 1 } : U;
        }
        case 'count': case 'any': case 'all': {
          const saved = this.bound;
          const path = a[0].path;
          this.bound = this.bound.filter(([p]) => p !== path && !p.startsWith(`${path}.`));
          const target = this.eval(a[0]);
          this.bound = saved;
          const n = target.list ? target.list.length : target.set ? target.set.length : 0;
          if (!a[1] || !e.over) return { i: n };
          const results = [];
          for (let i = 0; i < n; i++) {
            this.bound = [...saved, [e.over, i]];
            const r = this.eval(a[1]);
            results.push(r.b === undefined ? null : r.b);
          }
          this.bound = saved;
          if (e.function === 'count') return results.includes(null) ? U : { i: results.filter((r) => r === true).length };
          if (e.function === 'any') return results.includes(true) ? { b: true } : results.includes(null) ? U : { b: false };
          return results.includes(false) ? { b: false } : results.includes(null) ? U : { b: true };
        }
        default: return U;
      }
    }
    lookup(path, raw) {
      const segs = path.split('.');
      const prefixes = segs.map((_, i) => segs.slice(0, i + 1).join('.'));
      return this.walk(this.data, prefixes, raw);
    }
    walk(current, prefixes, raw) {
      const prefix = prefixes[0];
      const last = prefixes.length === 1;
      const name = prefix.split('.').pop();
      const node = nodes.get(prefix);
      const fee = fees.get(prefix);
      if (fee) return last ? this.eval(fee.value) : U;
      if (!node) {
        const v = current && typeof current === 'object' ? current[name] : undefined;
        return last && typeof v === 'boolean' ? { b: v } : last && typeof v === 'string' ? { code: v } : U;
      }
      if (node.kind === 'computed') return last ? this.eval(node.value) : U;
      const child = current && typeof current === 'object' && !Array.isArray(current) ? current[name] : undefined;
      if (node.repeat) {
        const bound = [...this.bound].reverse().find(([p]) => p === prefix);
        const items = Array.isArray(child) ? child : [];
        if (bound) {
          const item = items[bound[1]];
          return last ? this.single(node, item, raw) : this.walk(item, prefixes.slice(1), raw);
        }
        if (raw && child === undefined) return U;
        const values = items.map((item, i) => {
          const saved = this.bound;
          this.bound = [...saved, [prefix, i]];
          const v = last ? this.single(node, item, raw) : this.walk(item, prefixes.slice(1), raw);
          this.bound = saved;
          return v;
        });
        return { list: values };
      }
      return last ? this.single(node, child, raw) : this.walk(child, prefixes.slice(1), raw);
    }
    single(node, json, raw) {
      if (node.kind === 'field') {
        if (json === undefined) return raw ? U : unanswered(node.type);
        const v = fieldValue(node.type, json);
        return raw && isU(v) ? { present: true } : v;
      }
      if (node.kind === 'attachment') {
        if (json === undefined) return raw ? U : { files: 0 };
        return { files: Array.isArray(json) ? json.length : 1 };
      }
      if (node.kind === 'group') return json === undefined ? U : { present: true };
      return U;
    }
  }

  // ------------------------------------------------------------ reading the form
  const fieldWrap = (id) => document.getElementById(`${id}--field`) || document.getElementById(id);
  const byName = (name) => Array.from(form.elements).filter((el) => el.name === name);
  const slotsOf = (id) => Array.from(document.querySelectorAll(`#${CSS.escape(id)} > .amt-item`));
  // Numbers as people write them: `1.500,25` in German, `1,500.25` in English.
  const parseNumber = (raw, integer) => {
    let t = raw.trim().replace(/[\s\u00a0]/g, '');
    if (M.lang === 'de' || M.lang.startsWith('de-')) t = t.replace(/\.(?=\d{3}(\D|$))/g, '').replace(',', '.');
    else t = t.replace(/,(?=\d{3}(\D|$))/g, '');
    if (!/^-?\d+(\.\d+)?$/.test(t)) return raw;
    const n = Number(t);
    return integer && !Number.isInteger(n) ? raw : n;
  };
  const readField = (n, name) => {
    const els = byName(name);
    if (!els.length) return undefined;
    const ty = n.type;
    const el = els[0];
    if (el.type === 'radio') {
      const c = els.find((e) => e.checked);
      if (!c) return undefined;
      return ty && ty.base === 'boolean' ? c.value === 'true' : c.value;
    }
    if (el.type === 'checkbox') {
      if (ty && ty.base === 'choice') {
        const v = els.filter((e) => e.checked).map((e) => e.value);
        return v.length ? v : undefined;
      }
      return el.checked ? true : undefined;
    }
    if (el.type === 'file') {
      const files = Array.from(el.files || []);
      return files.length ? files.map((f, i) => ({ id: `upload-${name}-${i}`, filename: f.name, media_type: f.type || 'application/octet-stream', size: f.size })) : undefined;
    }
    if (el.tagName === 'SELECT' && el.multiple) {
      const v = Array.from(el.selectedOptions).map((o) => o.value);
      return v.length ? v : undefined;
    }
    const v = el.value;
    if (v === '') return undefined;
    if (ty.base === 'integer') return parseNumber(v, true);
    if (ty.base === 'decimal' || ty.base === 'money') return parseNumber(v, false);
    return v;
  };
  // Reads the answers into the submission's shape. Parts whose condition
  // does not hold (in `states`, by element id) are left out; the items of a
  // repeat are numbered as they come, empty ones skipped (`slots` records
  // each rendered item's number in the data).
  const read = (states, slots) => {
    const node = (n, name, id) => {
      if (n.kind === 'note' || n.kind === 'computed') return undefined;
      if (states && states.get(id) !== true) return undefined;
      if (n.repeat) {
        const out = [];
        slotsOf(id).forEach((slot, i) => {
          const v = n.kind === 'group' ? group(n.items, `${name}[${i}]`, `${id}-${i}-`) : readField(n, `${name}[${i}]`);
          slots.set(slot.id, v === undefined ? null : out.length);
          if (v !== undefined) out.push(v);
        });
        return out.length ? out : undefined;
      }
      if (n.kind === 'group') return group(n.items, name, `${id}-`);
      return readField(n, name);
    };
    const group = (items, prefix, idPrefix) => {
      const o = {};
      items.forEach((n, i) => {
        const name = prefix ? `${prefix}.${n.id}` : n.id;
        const v = node(n, name, `${idPrefix}${n.id || `-note${i}`}`);
        if (v !== undefined) o[n.id] = v;
      });
      return Object.keys(o).length ? o : undefined;
    };
    const data = {};
    M.pages.forEach((p, i) => { if (!states || states.get(`page:${i}`) === true) Object.assign(data, group(p.items, '', 'f-') || {}); });
    Object.assign(data, group(M.attachments || [], '', 'f-') || {});
    return data;
  };

  // ------------------------------------------------------------ what applies
  // Walks the rendered form with the data: every node with its element id,
  // name, the repeat items it is bound to, whether it applies (true, false,
  // or null when undetermined) and its step.
  const walk = (data, slots, visit) => {
    const ev = new Eval(data);
    const applies = (when, bound) => {
      if (!when) return true;
      ev.bound = bound;
      const v = ev.eval(when);
      return v.b === true ? true : v.b === false ? false : null;
    };
    const and3 = (a, b) => (a === false || b === false ? false : a === true && b === true ? true : null);
    const go = (items, prefix, idPrefix, bound, parent, step, container) => {
      items.forEach((n, index) => {
        const name = prefix ? `${prefix}.${n.id}` : n.id;
        const id = `${idPrefix}${n.id || `-note${index}`}`;
        const state = and3(parent, applies(n.when, bound));
        visit({ n, id, name, bound, state, step, ev, container });
        if (n.kind !== 'group') return;
        if (n.repeat) {
          slotsOf(id).forEach((slot, i) => {
            const at = slots.get(slot.id);
            const b = [...bound, [n.path, at === null || at === undefined ? 1e9 : at]];
            go(n.items, `${name}[${i}]`, `${id}-${i}-`, b, state === true ? true : false, step, at !== null && at !== undefined);
          });
        } else {
          go(n.items, name, `${id}-`, bound, state, step, container && groupGiven(data, bound, n));
        }
      });
    };
    M.pages.forEach((p, i) => go(p.items, '', 'f-', [], applies(p.when, []), i, true));
    go(M.attachments || [], '', 'f-', [], true, M.pages.length, true);
    return ev;
  };
  // Whether a group's data is there (its container given).
  const groupGiven = (data, bound, n) => {
    const ev = new Eval(data, bound);
    return !isU(ev.lookup(n.path, true));
  };
  // The answers and what applies, settled: parts that do not apply are left
  // out, which can change what applies elsewhere, until nothing changes.
  const settle = () => {
    let states = null;
    let data = null;
    const slots = new Map();
    for (let round = 0; round < 10; round++) {
      const next = read(states, slots);
      const same = data !== null && JSON.stringify(next) === JSON.stringify(data);
      data = next;
      states = new Map();
      const ev = walk(data, slots, ({ id, state }) => states.set(id, state));
      M.pages.forEach((p, i) => {
        ev.bound = [];
        states.set(`page:${i}`, p.when ? ev.eval(p.when).b === true : true);
      });
      if (same) break;
    }
    return { data, states, slots };
  };

  // A value as shown; a code by its label where its list is known.
  const format = (v, ty) => {
    if (isU(v)) return '—';
    if (v.code !== undefined && ty && ty.base === 'code') {
      const c = codeOf(ty.codelist, v.code);
      if (c) return text(c.label);
    }
    if (v.m !== undefined) return new Intl.NumberFormat(M.lang, { style: 'currency', currency: 'EUR' }).format(v.m / 100);
    if (v.i !== undefined) return new Intl.NumberFormat(M.lang).format(v.i);
    if (v.d !== undefined) return new Intl.NumberFormat(M.lang).format(v.d);
    if (v.b !== undefined) return v.b ? T.yes : T.no;
    if (v.date !== undefined) { const [y, m, d] = civilFromDays(v.date); return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(M.lang, { timeZone: 'UTC' }); }
    if (v.s !== undefined) return v.s;
    if (v.code !== undefined) return v.code;
    return '—';
  };
  const steps = Array.from(form.querySelectorAll('.amt-step'));
  const update = () => {
    const { data, states, slots } = settle();
    const ev = walk(data, slots, ({ n, id, bound, state, ev: e }) => {
      if (n.kind === 'computed') {
        const out = document.getElementById(`${id}--value`);
        e.bound = bound;
        if (out) out.textContent = state === true ? format(e.eval(n.value), n.type) : '—';
      }
      if (!n.when) return;
      const el = (n.kind === 'field' || n.kind === 'attachment') && !n.repeat ? fieldWrap(id) : document.getElementById(id);
      if (el) el.hidden = state !== true;
    });
    steps.forEach((s, i) => { s.dataset.skip = states.get(`page:${i}`) === false ? 'true' : 'false'; });
    ev.bound = [];
    for (const f of M.fees || []) {
      const out = document.querySelector(`[data-fee="${CSS.escape(f.id)}"]`);
      if (out) out.textContent = format(ev.eval(f.value));
    }
    // The procedure's own computed values, shown with the fees.
    for (const n of M.computed || []) {
      if (n.kind !== 'computed') continue;
      const out = document.querySelector(`.amt-fees [data-computed="${CSS.escape(n.path)}"]`);
      if (!out) continue;
      const on = !n.when || ev.eval(n.when).b === true;
      out.textContent = on ? format(ev.eval(n.value), n.type) : '—';
    }
    // Progress: the steps that apply, counted.
    const shown = steps.filter((s) => s.dataset.skip !== 'true');
    shown.forEach((s, i) => {
      const number = s.querySelector('.amt-step-number');
      if (number) number.textContent = T.step.replace('{n}', i + 1).replace('{m}', shown.length);
    });
    return { data, states, slots };
  };

  // ------------------------------------------------------------ checking
  const message = (key, detail) => (M.messages[key] || '').replace('{}', detail ?? '').replace(' ()', '');
  // The check digits of the text formats that have them, as amt's
  // validator checks them (amt_model::formats::TextFormat): a value of the
  // wrong shape is left to its pattern.
  const checkDigits = {
    iban: (s) => {
      if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(s)) return true;
      let rem = 0;
      for (const c of s.slice(4) + s.slice(0, 4)) {
        const v = parseInt(c, 36);
        rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
      }
      return rem === 1;
    },
    // ISO 7064, MOD 11,10 over the first ten digits.
    steuer_id: (s) => {
      if (!/^[1-9][0-9]{10}$/.test(s)) return true;
      let product = 10;
      for (const c of s.slice(0, 10)) {
        const sum = (Number(c) + product) % 10 || 10;
        product = (2 * sum) % 11;
      }
      return (11 - product) % 10 === Number(s[10]);
    },
  };
  // The problems of a step (or of every step): the validator's checks on
  // what the form shows.
  const check = (settled, stepIndex) => {
    const { data, slots } = settled;
    const errors = [];
    const warnings = [];
    walk(data, slots, ({ n, id, name, bound, state, step, ev, container }) => {
      if ((stepIndex !== null && step !== stepIndex) || state !== true || n.kind === 'note' || n.kind === 'computed') return;
      const where = (() => {
        const el = document.getElementById(id);
        if (!el) return null;
        return el.matches('fieldset, div') ? el.querySelector('input, select, textarea') || el : el;
      })();
      const add = (list, text) => list.push({ n, id, name, el: where, box: document.getElementById(id), text });
      const ty = n.type || {};
      const values = [];
      if (n.repeat && n.kind === 'field') slotsOf(id).forEach((_, i) => values.push([`${name}[${i}]`, readField(n, `${name}[${i}]`)]));
      const value = n.repeat ? (n.kind === 'field' ? values.filter(([, v]) => v !== undefined).map(([, v]) => v) : undefined) : n.kind === 'group' ? undefined : readField(n, name);
      const demanded = n.required || (n.repeat && n.repeat.min > 0);
      if (container && demanded) {
        const given = n.repeat ? (n.kind === 'group' ? slotsOf(id).some((s) => slots.get(s.id) !== null && slots.get(s.id) !== undefined) : value.length > 0)
          : n.kind === 'group' ? groupGiven(data, bound, n) : value !== undefined;
        if (!given) { add(errors, message('required')); return; }
      }
      if (n.kind === 'attachment' && value !== undefined) {
        if (n.count && value.length < n.count.min) add(errors, message('min_items', n.count.min));
        if (n.count && n.count.max && value.length > n.count.max) add(errors, message('max_items', n.count.max));
        for (const f of value) {
          if (!n.media_types.includes(f.media_type)) add(errors, message('media_type', n.media_types.join(', ')));
          if (n.max_bytes && f.size > n.max_bytes) add(errors, message('file_size', `${n.max_bytes / 1048576} MB`));
        }
      }
      if (n.kind === 'field') {
        const each = n.repeat ? values : [[name, value]];
        for (const [nm, v] of each) {
          if (v === undefined) continue;
          const input = byName(nm)[0];
          if (input && input.validity && !input.validity.valid) {
            // One problem, one error: a wrong length before a wrong shape, as amt's validator.
            const key = input.validity.tooShort ? 'min_length' : input.validity.tooLong ? 'max_length' : input.validity.patternMismatch ? 'pattern' : input.validity.rangeUnderflow ? 'minimum' : input.validity.rangeOverflow ? 'maximum' : 'type';
            const attr = { max_length: 'maxlength', min_length: 'minlength', minimum: 'min', maximum: 'max' }[key];
            add(errors, key === 'pattern' && ty.pattern_message ? text(ty.pattern_message) : message(key, attr ? input.getAttribute(attr) : ''));
            continue;
          }
          const fv = fieldValue(ty, v);
          if (isU(fv) && ty.base !== 'choice') { add(errors, message('type', '')); continue; }
          if (ty.base === 'money' && typeof v === 'number' && Math.abs(v) > SAFE_MONEY) add(errors, message(v < 0 ? 'minimum' : 'maximum', format({ m: Math.sign(v) * Math.round(SAFE_MONEY * 100) })));
          else if (ty.base === 'money' && cents(v) === null) add(errors, message('scale', '2'));
          if (ty.base === 'decimal' && ty.scale !== undefined && ((String(v).split('.')[1] || '').length > ty.scale)) add(errors, message('scale', ty.scale));
          const digitsOk = checkDigits[ty.format];
          if (digitsOk && typeof v === 'string' && !digitsOk(v)) add(errors, message(`checksum_${ty.format}`));
          for (const [kind, bound_] of [['minimum', ty.min], ['maximum', ty.max]]) {
            if (!bound_) continue;
            ev.bound = bound;
            const b = ev.eval(bound_);
            const c = compare(fv.m !== undefined ? { d: fv.m / 100 } : fv, b.m !== undefined ? { d: b.m / 100 } : b);
            if (c !== null && (kind === 'minimum' ? c < 0 : c > 0)) add(errors, message(b.date !== undefined ? `${kind}_date` : kind, format(b)));
          }
        }
      }
      // Rules: a field's wherever it is asked, a group's when it is given,
      // a repeat's in each item.
      // A warning is not given about a value that is wrong already (an error
      // of this part, built in or the author's), as amt's validator.
      const errorsBefore = n.rules && n.rules.length ? errors.filter((e) => e.id === id).length : 0;
      // A group's rule that reads exactly one of its own fields is about
      // that field: its message stands there and the summary links to it.
      const aboutOne = (r, prefix) => {
        if (n.kind !== 'group') return null;
        const own = new Set();
        const visitE = (e) => {
          if (e.op === 'ref' && e.path.startsWith(`${n.path}.`)) {
            const rest = e.path.slice(n.path.length + 1);
            if (!rest.includes('.')) own.add(rest);
          }
          for (const v of Object.values(e)) if (v && typeof v === 'object' && v.op) visitE(v); else if (Array.isArray(v)) v.forEach((x) => x && x.op && visitE(x));
        };
        visitE(r.condition);
        if (own.size !== 1) return null;
        const child = [...own][0];
        const node = (n.items || []).find((c) => c.id === child);
        const fid = `${prefix}${child}`;
        const el = document.getElementById(fid);
        if (!el || !node || node.kind !== 'field') return null;
        const input = el.matches('fieldset, div') ? el.querySelector('input, select, textarea') || el : el;
        return { node, id: fid, el: input, box: el.matches('fieldset') ? el : el.closest('.amt-field') };
      };
      const rules = (b, prefix) => {
        const broken = (n.rules || []).filter((r) => { ev.bound = b; return ev.eval(r.condition).b === false; });
        const wrong = errorsBefore > 0 || broken.some((r) => r.severity === 'error');
        for (const r of broken) {
          if (r.severity !== 'error' && wrong) continue;
          const list = r.severity === 'error' ? errors : warnings;
          const said = text(r.message) || message('rule');
          const one = aboutOne(r, prefix);
          if (one) list.push({ n: one.node, id: one.id, name, el: one.el, box: one.box, text: said });
          else add(list, said);
        }
      };
      if (n.repeat) {
        slotsOf(id).forEach((slot) => { const at = slots.get(slot.id); if (at !== null && at !== undefined) rules([...bound, [n.path, at]], `${slot.id}-`); });
        if (n.kind === 'field') values.forEach(([, v], i) => { if (v !== undefined) rules([...bound, [n.path, values.slice(0, i).filter(([, x]) => x !== undefined).length]]); });
      } else if (n.kind === 'group') {
        if (groupGiven(data, bound, n)) rules(bound, `${id}-`);
      } else if (container) {
        rules(bound);
      }
    });
    return { errors, warnings };
  };
  const clearErrors = (section) => {
    section.querySelectorAll('.amt-error-summary, .amt-error').forEach((e) => e.remove());
    section.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
    section.querySelectorAll('[aria-describedby]').forEach((e) => {
      const ids = e.getAttribute('aria-describedby').split(' ').filter((x) => x && !x.endsWith('--error'));
      if (ids.length) e.setAttribute('aria-describedby', ids.join(' ')); else e.removeAttribute('aria-describedby');
    });
  };
  const showErrors = (section, list) => {
    clearErrors(section);
    if (!list.length) return true;
    const summary = document.createElement('div');
    summary.className = 'amt-error-summary';
    summary.setAttribute('role', 'alert');
    summary.tabIndex = -1;
    const h = document.createElement('h2');
    h.textContent = T.problem;
    summary.append(h);
    const ul = document.createElement('ul');
    const seen = new Set();
    for (const p of list) {
      const key = `${p.id}|${p.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const li = document.createElement('li');
      const a = document.createElement('a');
      const label = text(p.n.label);
      a.textContent = label ? labelled(label, p.text) : p.text;
      const target = p.el && p.el.id ? p.el : null;
      if (target) a.href = `#${target.id}`;
      a.addEventListener('click', (e) => {
        if (!target) return;
        e.preventDefault();
        (p.box || target).scrollIntoView({ block: 'center' });
        target.focus();
      });
      li.append(a);
      ul.append(li);
      // The message beside the field (after a group's or choice's legend).
      const box = p.box && p.box.matches('fieldset') ? p.box : target ? target.closest('.amt-field') || target.parentElement : null;
      if (!box) continue;
      const errId = `${p.id}--error`;
      let err = document.getElementById(errId);
      if (!err) {
        err = document.createElement('p');
        err.className = 'amt-error';
        err.id = errId;
        const legend = box.matches('fieldset') ? box.querySelector(':scope > legend') : null;
        if (legend) legend.after(err);
        else {
          const anchor = box.querySelector('.amt-choice, .amt-unit-wrap, input, select, textarea');
          if (anchor) anchor.parentNode.insertBefore(err, anchor); else box.append(err);
        }
      }
      err.textContent = err.textContent ? `${err.textContent} ${p.text}` : p.text;
      const described = box.matches('fieldset') ? [box, ...box.querySelectorAll(':scope > .amt-choice input')] : [target];
      for (const el of described) {
        if (!el) continue;
        if (el.matches('input, select, textarea')) el.setAttribute('aria-invalid', 'true');
        const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        if (!ids.includes(errId)) el.setAttribute('aria-describedby', [...ids, errId].join(' '));
      }
    }
    summary.append(ul);
    section.querySelector('h2').after(summary);
    summary.focus();
    return false;
  };

  // ------------------------------------------------------------ steps and review
  const review = document.createElement('section');
  review.className = 'amt-step amt-review';
  review.id = 'page--review';
  review.setAttribute('aria-labelledby', 'page--review-title');
  const reviewTitle = document.createElement('h2');
  reviewTitle.id = 'page--review-title';
  reviewTitle.textContent = T.review;
  const reviewLead = document.createElement('p');
  reviewLead.textContent = T.review_lead;
  const reviewBody = document.createElement('div');
  review.append(reviewTitle, reviewLead, reviewBody);
  const actions = form.querySelector('.amt-actions');
  // The computed values and the fees, shown with the review.
  const feesSections = Array.from(form.querySelectorAll('.amt-fees-section'));
  form.insertBefore(review, feesSections[0] || actions);
  const hidden = document.createElement('input');
  hidden.type = 'hidden';
  hidden.name = 'amt_submission';
  form.append(hidden);
  const visibleSteps = () => steps.filter((s) => s.dataset.skip !== 'true');
  let initial = true;
  const show = (section) => {
    for (const s of [...steps, review]) s.hidden = s !== section;
    actions.hidden = section !== review;
    for (const f of feesSections) f.hidden = section !== review;
    // On the first page nothing moves: the applicant starts at the top.
    if (initial) { initial = false; return; }
    const h = section.querySelector('h2');
    h.tabIndex = -1;
    h.focus();
  };
  const contextOf = (el) => {
    const parts = [];
    for (let f = el.closest('fieldset'); f; f = f.parentElement && f.parentElement.closest('fieldset')) {
      if (f.classList.contains('amt-choices')) continue;
      const legend = f.querySelector(':scope > legend');
      if (legend) parts.unshift(legend.firstChild.textContent.trim());
    }
    return parts.join(' › ');
  };
  const shownValue = (n, nm, v) => {
    const els = byName(nm);
    const el = els[0];
    if (n.kind === 'attachment') return v.map((f) => f.filename).join(', ');
    if (el && (el.type === 'radio' || el.type === 'checkbox') && n.type.base === 'choice') {
      const chosen = Array.isArray(v) ? v : [v];
      return chosen.map((c) => { const e = els.find((x) => x.value === c); return e ? document.querySelector(`label[for="${CSS.escape(e.id)}"]`).textContent : c; }).join(', ');
    }
    if (el && el.tagName === 'SELECT') return Array.from(el.selectedOptions).map((o) => o.textContent).join(', ');
    return format(fieldValue(n.type, v));
  };
  const buildReview = () => {
    const { data, slots } = update();
    const { warnings } = check({ data, slots }, null);
    reviewBody.replaceChildren();
    if (warnings.length) {
      const box = document.createElement('div');
      box.className = 'amt-warnings';
      const h = document.createElement('h3');
      h.textContent = T.notes;
      const ul = document.createElement('ul');
      for (const w of warnings) { const li = document.createElement('li'); li.textContent = labelled(text(w.n.label), w.text); ul.append(li); }
      box.append(h, ul);
      reviewBody.append(box);
    }
    const lists = new Map();
    walk(data, slots, ({ n, id, name, state, step }) => {
      if (state !== true || !['field', 'attachment'].includes(n.kind)) return;
      const section = steps[step] || steps[steps.length - 1];
      if (!lists.has(section)) lists.set(section, []);
      const entries = n.repeat ? slotsOf(id).map((_, i) => `${name}[${i}]`) : [name];
      for (const nm of entries) {
        let v = readField(n, nm);
        if (v === undefined && n.type && n.type.base === 'boolean' && !n.repeat) v = false;
        if (v === undefined) continue;
        const input = byName(nm)[0] || document.getElementById(id);
        lists.get(section).push({ label: text(n.label), context: input ? contextOf(input) : '', value: shownValue(n, nm, v), input });
      }
    });
    for (const section of visibleSteps()) {
      const entries = lists.get(section);
      if (!entries || !entries.length) continue;
      const h = document.createElement('h3');
      h.textContent = section.querySelector('h2').lastChild.textContent.trim();
      const dl = document.createElement('dl');
      dl.className = 'amt-summary';
      for (const e of entries) {
        const dt = document.createElement('dt');
        dt.textContent = e.context ? `${e.context} › ${e.label}` : e.label;
        const dd = document.createElement('dd');
        dd.textContent = e.value;
        const change = document.createElement('a');
        change.href = `#${e.input ? e.input.id : ''}`;
        change.className = 'amt-change';
        change.textContent = T.change;
        const hiddenText = document.createElement('span');
        hiddenText.className = 'amt-visually-hidden';
        hiddenText.textContent = `: ${dt.textContent}`;
        change.append(hiddenText);
        change.addEventListener('click', (ev) => {
          ev.preventDefault();
          show(section);
          if (e.input) { e.input.scrollIntoView({ block: 'center' }); e.input.focus(); }
        });
        dd.append(' ', change);
        dl.append(dt, dd);
      }
      reviewBody.append(h, dl);
    }
  };
  const next = (section) => {
    const settled = update();
    const index = steps.indexOf(section);
    if (!showErrors(section, check(settled, index).errors)) return false;
    const v = visibleSteps();
    const at = v.indexOf(section);
    if (at + 1 < v.length) show(v[at + 1]); else { buildReview(); show(review); }
    return true;
  };
  steps.forEach((section, i) => {
    const bar = document.createElement('div');
    bar.className = 'amt-nav';
    if (i > 0) {
      const back = document.createElement('button');
      back.type = 'button';
      back.className = 'amt-button amt-secondary';
      back.textContent = T.back;
      back.addEventListener('click', () => { update(); const v = visibleSteps(); show(v[Math.max(0, v.indexOf(section) - 1)]); });
      bar.append(back);
    }
    const forward = document.createElement('button');
    forward.type = 'button';
    forward.className = 'amt-button';
    forward.textContent = T.next;
    forward.addEventListener('click', () => next(section));
    bar.append(forward);
    section.append(bar);
  });
  const backFromReview = document.createElement('button');
  backFromReview.type = 'button';
  backFromReview.className = 'amt-button amt-secondary';
  backFromReview.textContent = T.back;
  backFromReview.addEventListener('click', () => { const v = visibleSteps(); show(v[v.length - 1]); });
  actions.prepend(backFromReview);

  // ------------------------------------------------------------ repeats
  // Items beyond those rendered are copies of the last one, renumbered.
  const renumber = (el, from, to, repeatId, name) => {
    const idFrom = `${repeatId}-${from}`;
    const idTo = `${repeatId}-${to}`;
    const nameFrom = `${name}[${from}]`;
    const nameTo = `${name}[${to}]`;
    const fix = (v) => v.split(idFrom).join(idTo).split(nameFrom).join(nameTo);
    for (const e of [el, ...el.querySelectorAll('*')]) {
      for (const a of ['id', 'name', 'for', 'aria-describedby', 'aria-labelledby', 'href']) if (e.hasAttribute(a)) e.setAttribute(a, fix(e.getAttribute(a)));
    }
    el.dataset.index = String(to);
  };
  for (const rep of form.querySelectorAll('.amt-repeat')) {
    const min = Number(rep.dataset.min || 0);
    const max = rep.dataset.max ? Number(rep.dataset.max) : Infinity;
    const node = [...nodes.values()].find((n) => n.repeat && rep.id.endsWith(n.id) && byName(`${rep.querySelector('[name]')?.name.split('[')[0]}`)) || null;
    const baseName = (rep.querySelector('[name]')?.name || '').replace(/\[\d+\].*$/, '');
    void node;
    const items = () => Array.from(rep.querySelectorAll(':scope > .amt-item'));
    const filled = (it) => Array.from(it.querySelectorAll('input, select, textarea')).some((e) => (e.type === 'checkbox' || e.type === 'radio' ? e.checked : e.value !== ''));
    items().forEach((it) => { if (Number(it.dataset.index) >= Math.max(min, 1) && !filled(it)) it.hidden = true; });
    // Each button says what it adds or removes, and for whom: a repeat
    // inside an item names that item ("Staatsangehörigkeit (Person 2)").
    const legendOf = (el) => (el?.querySelector(':scope > legend')?.firstChild?.textContent || '').trim();
    const owner = legendOf(rep.parentElement?.closest('.amt-item'));
    const whose = owner ? ` (${owner})` : '';
    const what = legendOf(items()[0]).replace(/\s*\d+$/, '');
    const add = document.createElement('button');
    add.type = 'button';
    add.className = 'amt-button amt-secondary';
    add.textContent = what ? `${T.add}: ${what}${whose}` : T.add;
    const refresh = () => { add.hidden = items().filter((it) => !it.hidden).length >= max; };
    const removable = (it) => {
      if (Number(it.dataset.index) < Math.max(min, 1) || it.querySelector(':scope > .amt-remove')) return;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'amt-button amt-secondary amt-remove';
      remove.textContent = `${T.remove}: ${legendOf(it)}${whose}`;
      remove.addEventListener('click', () => {
        for (const input of it.querySelectorAll('input, select, textarea')) {
          if (input.type === 'checkbox' || input.type === 'radio') input.checked = false;
          else if (input.tagName === 'SELECT') input.selectedIndex = input.multiple ? -1 : 0;
          else input.value = '';
        }
        it.hidden = true;
        refresh();
        update();
        add.focus();
      });
      it.append(remove);
    };
    add.addEventListener('click', () => {
      let item = items().find((it) => it.hidden);
      if (!item) {
        const all = items();
        const last = all[all.length - 1];
        item = last.cloneNode(true);
        renumber(item, Number(last.dataset.index), all.length, rep.id, baseName);
        item.querySelectorAll('.amt-error, .amt-remove').forEach((e) => e.remove());
        const legend = item.querySelector(':scope > legend');
        if (legend) legend.firstChild.textContent = legend.firstChild.textContent.replace(/\d+\s*$/, `${all.length + 1} `);
        for (const input of item.querySelectorAll('input, select, textarea')) {
          if (input.type === 'checkbox' || input.type === 'radio') input.checked = false;
          else if (input.tagName === 'SELECT') input.selectedIndex = input.multiple ? -1 : 0;
          else input.value = '';
        }
        last.after(item);
        removable(item);
      }
      item.hidden = false;
      refresh();
      update();
      item.querySelector('input, select, textarea')?.focus();
    });
    items().forEach(removable);
    refresh();
    rep.append(add);
  }

  // The verdict on a submission with the same walk as amt's validator:
  // which parts apply, the computed values and fees, and the rules that
  // fail (`path`, rule index, severity). Used to test this script against
  // amt's own validator (.ci/forms.mjs).
  const verdict = (data, todayIso) => {
    const ev = new Eval(data);
    const saved = todayOverride;
    if (todayIso) todayOverride = parseDate(todayIso);
    const visible = {};
    const computed = {};
    const rules = [];
    const applies = (when, bound) => {
      if (!when) return true;
      ev.bound = bound;
      const v = ev.eval(when);
      return v.b === true ? true : v.b === false ? false : null;
    };
    const and3 = (a, b) => (a === false || b === false ? false : a === true && b === true ? true : null);
    const checkRules = (n, path, bound) => {
      (n.rules || []).forEach((r, i) => {
        ev.bound = bound;
        if (ev.eval(r.condition).b === false) rules.push(`${path}#${i}#${r.severity}`);
      });
    };
    const go = (items, obj, prefix, bound, parent) => {
      for (const n of items) {
        const path = prefix ? `${prefix}.${n.id}` : n.id;
        const state = and3(parent, applies(n.when, bound));
        if (n.kind === 'computed') {
          if (state === true) { ev.bound = bound; const v = ev.eval(n.value); if (!isU(v)) computed[path] = v; }
          continue;
        }
        if (n.kind === 'note') continue;
        visible[path] = state === true;
        const container = obj !== undefined;
        const value = container && obj && typeof obj === 'object' ? obj[n.id] : undefined;
        if (!container) { if (n.kind === 'group' && !n.repeat) go(n.items, undefined, path, bound, state); continue; }
        if (state === false) { if (n.kind === 'group' && !n.repeat) hide(n.items, path); continue; }
        if (value === undefined) {
          if (!n.repeat) {
            if (state === true && n.kind !== 'group') checkRules(n, path, bound);
            if (n.kind === 'group') go(n.items, undefined, path, bound, state);
          }
          continue;
        }
        if (n.repeat) {
          if (!Array.isArray(value)) continue;
          value.forEach((item, i) => {
            const b = [...bound, [n.path, i]];
            visible[`${path}[${i}]`] = true;
            if (n.kind === 'group' && item && typeof item === 'object' && !Array.isArray(item)) go(n.items, item, `${path}[${i}]`, b, true);
            checkRules(n, `${path}[${i}]`, b);
          });
        } else {
          if (n.kind === 'group' && value && typeof value === 'object' && !Array.isArray(value)) go(n.items, value, path, bound, true);
          checkRules(n, path, bound);
        }
      }
    };
    const hide = (items, prefix) => {
      for (const n of items) {
        if (n.kind === 'note' || n.kind === 'computed') continue;
        const path = `${prefix}.${n.id}`;
        visible[path] = false;
        if (n.kind === 'group' && !n.repeat) hide(n.items, path);
      }
    };
    for (const p of M.pages) go(p.items, data, '', [], applies(p.when, []));
    go(M.attachments || [], data, '', [], true);
    go(M.computed || [], data, '', [], true);
    for (const f of M.fees || []) { ev.bound = []; const v = ev.eval(f.value); if (!isU(v)) computed[f.id] = v; }
    todayOverride = saved;
    const json = (v) => (v.m !== undefined ? v.m / 100 : v.i !== undefined ? v.i : v.d !== undefined ? v.d : v.b !== undefined ? v.b : v.s !== undefined ? v.s : v.code !== undefined ? v.code : v.date !== undefined ? civilFromDays(v.date).map((x, k) => String(x).padStart(k ? 2 : 4, '0')).join('-') : null);
    return { visible, computed: Object.fromEntries(Object.entries(computed).map(([k, v]) => [k, json(v)])), rules: rules.sort() };
  };

  // ------------------------------------------------------------ start
  // The script checks each step; the browser's own check would stop at
  // inputs of steps that are folded away.
  // If anything goes wrong here, the page stays the complete form it is
  // without the script: every step shown, the browser's own checks on.
  try {
    // A locked prefilled choice keeps what the identification delivered:
    // `readonly` exists for text inputs only, so the other options of a
    // prefilled list are not offered (the list is still submitted).
    for (const el of form.querySelectorAll('select[data-locked]')) {
      if (el.value === '') continue;
      for (const o of el.options) o.disabled = !o.selected;
    }
    for (const set of form.querySelectorAll('fieldset[data-locked]')) {
      const buttons = Array.from(set.querySelectorAll('input[type=radio]'));
      if (!buttons.some((b) => b.checked)) continue;
      for (const b of buttons) b.disabled = !b.checked;
    }
    form.noValidate = true;
    form.addEventListener('input', () => update());
    form.addEventListener('change', () => update());
    form.addEventListener('submit', (e) => {
      // Enter in a field, or the submit button before the review: go on
      // step by step instead of sending unchecked answers.
      if (review.hidden) {
        e.preventDefault();
        const current = steps.find((s) => !s.hidden);
        if (current) next(current);
        return;
      }
      const settled = update();
      for (const section of visibleSteps()) {
        const { errors } = check(settled, steps.indexOf(section));
        if (errors.length) {
          e.preventDefault();
          show(section);
          showErrors(section, errors);
          return;
        }
      }
      hidden.value = JSON.stringify(settled.data);
    });
    update();
    show(visibleSteps()[0]);
    // For tests and for portals that build on the form.
    window.amt = {
      verdict,
      data: () => settle().data,
      check: (i, todayIso) => {
        const saved = todayOverride;
        if (todayIso) todayOverride = parseDate(todayIso);
        try {
          return check(settle(), i).errors.map((p) => ({ name: p.name, text: p.text, target: p.el && p.el.name ? p.el.name : null }));
        } finally {
          todayOverride = saved;
        }
      },
      steps: () => visibleSteps().map((s) => s.id),
      review: () => { buildReview(); show(review); },
      show: (id) => show(document.getElementById(id)),
    };
  } catch (err) {
    for (const s of steps) s.hidden = false;
    review.hidden = true;
    form.noValidate = false;
    console.error('amt: the form works without its script', err);
  }
})();
