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
  const text = (t) => (t ? t[M.lang] ?? t[M.source] ?? Object.values(t)[0] ?? '' : '');

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
  const parseDate = (s) => {
    const r = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
    if (!r) return null;
    const [y, m, d] = [+r[1], +r[2], +r[3]];
    return m >= 1 && m <= 12 && d >= 1 && d <= monthDays(y, m) ? daysFromCivil(y, m, d) : null;
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
  const now = new Date();
  const realToday = daysFromCivil(now.getFullYear(), now.getMonth() + 1, now.getDate());
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
  const cents = (n) => {
    if (typeof n !== 'number' || !Number.isFinite(n)) return null;
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
        case 'filled': return a[0].op === 'ref' ? { b: !isU(this.lookup(a[0].path, true)) } : U;
        case 'sum': {
          const v = this.eval(a[0]);
          if (!v.list) return U;
          const item = a[0].type.item ? a[0].type.item.base : 'integer';
          let total = item === 'money' ? { m: 0 } : item === 'decimal' ? { d: 0 } : { i: 0 };
          for (const x of v.list) total = arithmetic('add', total, x);
          return total;
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
  const byName = (name) => Array.from(form.elements).filter((el) => el.name === name);
  const slotCount = (id) => document.querySelectorAll(`#${CSS.escape(id)} > .amt-item`).length;
  const parseNumber = (s, integer) => {
    const t = s.trim().replace(/\s/g, '').replace(',', '.');
    if (!/^-?\d+(\.\d+)?$/.test(t)) return s;
    const n = Number(t);
    return integer && !Number.isInteger(n) ? s : n;
  };
  const readField = (n, name) => {
    const els = byName(name);
    if (!els.length) return undefined;
    const ty = n.type;
    const el = els[0];
    if (el.type === 'radio') {
      const c = els.find((e) => e.checked);
      if (!c) return undefined;
      return ty.base === 'boolean' ? c.value === 'true' : c.value;
    }
    if (el.type === 'checkbox') {
      if (ty.base === 'choice') {
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
  const readNode = (n, name, id) => {
    if (n.kind === 'note' || n.kind === 'computed') return undefined;
    if (n.repeat) {
      const out = [];
      const count = slotCount(id);
      for (let i = 0; i < count; i++) {
        const v = n.kind === 'group' ? readGroup(n.items, `${name}[${i}]`, `${id}-${i}-`) : readField(n, `${name}[${i}]`);
        if (v !== undefined) out.push(v);
      }
      return out.length ? out : undefined;
    }
    if (n.kind === 'group') return readGroup(n.items, name, `${id}-`);
    return readField(n, name);
  };
  const readGroup = (items, prefix, idPrefix) => {
    const o = {};
    for (const n of items) {
      const name = prefix ? `${prefix}.${n.id}` : n.id;
      const v = readNode(n, name, `${idPrefix}${n.id}`);
      if (v !== undefined) o[n.id] = v;
    }
    return Object.keys(o).length ? o : undefined;
  };
  const readAll = () => {
    const data = {};
    for (const p of M.pages) Object.assign(data, readGroup(p.items, '', 'f-') || {});
    Object.assign(data, readGroup(M.attachments || [], '', 'f-') || {});
    return data;
  };

  // ------------------------------------------------------------ visibility
  // Walks the rendered form: every node with its element id, name and the
  // repeat items it is bound to; calls `visit(n, id, name, bound, state)`.
  const walkForm = (visit) => {
    const data = readAll();
    const ev = new Eval(data);
    const applies = (when, bound) => {
      if (!when) return true;
      ev.bound = bound;
      const v = ev.eval(when);
      return v.b === true ? true : v.b === false ? false : null;
    };
    const and3 = (a, b) => (a === false || b === false ? false : a === true && b === true ? true : null);
    const go = (items, prefix, idPrefix, bound, parent, step) => {
      for (const n of items) {
        const name = prefix ? `${prefix}.${n.id}` : n.id;
        const id = `${idPrefix}${n.id}`;
        const state = and3(parent, applies(n.when, bound));
        visit(n, id, name, bound, state, step, ev);
        if (n.kind === 'group') {
          if (n.repeat) {
            const count = slotCount(id);
            for (let i = 0; i < count; i++) go(n.items, `${name}[${i}]`, `${id}-${i}-`, [...bound, [n.path, i]], state === false ? false : true, step);
          } else {
            go(n.items, name, `${id}-`, bound, state, step);
          }
        }
      }
    };
    M.pages.forEach((p, i) => go(p.items, '', 'f-', [], applies(p.when, []), i));
    go(M.attachments || [], '', 'f-', [], true, M.pages.length);
    return { data, ev };
  };
  const wrapperOf = (n, id) => document.getElementById(n.kind === 'field' && !n.repeat && !document.getElementById(id)?.matches('fieldset') ? `${id}-field` : id) || document.getElementById(`${id}-field`) || document.getElementById(id);
  const clear = (el) => {
    for (const input of el.querySelectorAll('input, select, textarea')) {
      if (input.type === 'checkbox' || input.type === 'radio') input.checked = false;
      else if (input.tagName === 'SELECT') input.selectedIndex = input.multiple ? -1 : 0;
      else input.value = '';
    }
  };
  const format = (v) => {
    if (isU(v)) return '—';
    if (v.m !== undefined) return new Intl.NumberFormat(M.lang, { style: 'currency', currency: 'EUR' }).format(v.m / 100);
    if (v.i !== undefined) return String(v.i);
    if (v.d !== undefined) return new Intl.NumberFormat(M.lang).format(v.d);
    if (v.b !== undefined) return v.b ? T.yes : T.no;
    if (v.date !== undefined) { const [y, m, d] = civilFromDays(v.date); return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(M.lang, { timeZone: 'UTC' }); }
    if (v.s !== undefined) return v.s;
    if (v.code !== undefined) return v.code;
    return '—';
  };
  const update = () => {
    walkForm((n, id, name, bound, state, step, ev) => {
      const el = wrapperOf(n, id);
      if (n.kind === 'computed') {
        const out = document.getElementById(`${id}-value`);
        if (out) { ev.bound = bound; out.textContent = state === false ? '—' : format(ev.eval(n.value)); }
        return;
      }
      if (!el || !n.when) return;
      const hide = state !== true;
      if (hide && !el.hidden) clear(el);
      el.hidden = hide;
    });
    // Pages whose condition does not hold are skipped.
    const ev = new Eval(readAll());
    steps.forEach((s, i) => {
      const p = M.pages[i];
      s.dataset.skip = p && p.when && ev.eval(p.when).b !== true ? 'true' : 'false';
    });
    for (const f of M.fees || []) {
      const out = document.querySelector(`[data-fee="${CSS.escape(f.id)}"]`);
      if (out) out.textContent = format(ev.eval(f.value));
    }
  };

  // ------------------------------------------------------------ checking a step
  const message = (key, detail) => (M.messages[key] || '').replace('{}', detail ?? '');
  const problems = (stepIndex) => {
    const out = [];
    const { ev } = walkForm((n, id, name, bound, state, step, ev2) => {
      if (step !== stepIndex || state !== true || n.kind === 'note' || n.kind === 'computed') return;
      const value = readNode(n, name, id);
      const target = document.getElementById(id) || document.querySelector(`#${CSS.escape(id)} input, #${CSS.escape(id)} select, #${CSS.escape(id)} textarea`);
      const where = target && target.matches('fieldset') ? target.querySelector('input, select, textarea') || target : target;
      const demanded = n.required || (n.repeat && n.repeat.min > 0);
      const insideOptional = bound.length > 0 && document.getElementById(id)?.closest('.amt-item')?.querySelector('legend .amt-optional');
      if (value === undefined && demanded && !insideOptional) {
        out.push({ node: n, id, el: where, text: message('required') });
        return;
      }
      if (value !== undefined && where && where.validity && !where.validity.valid) {
        const key = where.validity.valueMissing ? 'required' : where.validity.patternMismatch ? 'pattern' : where.validity.tooLong ? 'max_length' : where.validity.tooShort ? 'min_length' : where.validity.rangeUnderflow ? 'minimum' : where.validity.rangeOverflow ? 'maximum' : 'type';
        const detail = where.getAttribute({ max_length: 'maxlength', min_length: 'minlength', minimum: 'min', maximum: 'max' }[key]) ?? '';
        out.push({ node: n, id, el: where, text: message(key, detail) });
        return;
      }
      if (value === undefined && n.kind !== 'field' && n.kind !== 'attachment') return;
      for (const r of n.rules || []) {
        if (r.severity !== 'error') continue;
        ev2.bound = bound;
        if (ev2.eval(r.condition).b === false) out.push({ node: n, id, el: where, text: text(r.message) || message('rule') });
      }
    });
    void ev;
    return out;
  };
  const clearErrors = (section) => {
    section.querySelectorAll('.amt-error-summary, .amt-error').forEach((e) => e.remove());
    section.querySelectorAll('[aria-invalid]').forEach((e) => {
      e.removeAttribute('aria-invalid');
      const ids = (e.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error'));
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
    for (const p of list) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      const label = text(p.node.label);
      a.textContent = label ? `${label}: ${p.text}` : p.text;
      if (p.el && p.el.id) a.href = `#${p.el.id}`;
      li.append(a);
      ul.append(li);
      if (p.el && p.el.id) {
        const err = document.createElement('p');
        err.className = 'amt-error';
        err.id = `${p.el.id}-error`;
        err.textContent = p.text;
        const wrap = p.el.closest('.amt-field') || p.el.parentElement;
        if (!wrap.querySelector(`#${CSS.escape(err.id)}`)) {
          const anchor = wrap.querySelector('.amt-choice, .amt-unit-wrap, input, select, textarea');
          if (anchor) anchor.parentNode.insertBefore(err, anchor); else wrap.append(err);
        }
        p.el.setAttribute('aria-invalid', 'true');
        p.el.setAttribute('aria-describedby', [p.el.getAttribute('aria-describedby'), err.id].filter(Boolean).join(' '));
      }
    }
    summary.append(ul);
    section.querySelector('h2').after(summary);
    summary.focus();
    return false;
  };

  // ------------------------------------------------------------ steps and review
  const steps = Array.from(form.querySelectorAll('.amt-step'));
  const review = document.createElement('section');
  review.className = 'amt-step amt-review';
  review.id = 'page-review';
  review.setAttribute('aria-labelledby', 'page-review-title');
  review.innerHTML = '<h2 id="page-review-title" tabindex="-1"></h2><p></p><dl class="amt-summary"></dl>';
  review.querySelector('h2').textContent = T.review;
  review.querySelector('p').textContent = T.review_lead;
  const actions = form.querySelector('.amt-actions');
  form.insertBefore(review, actions);
  const hidden = document.createElement('input');
  hidden.type = 'hidden';
  hidden.name = 'amt_submission';
  form.append(hidden);
  let current = 0;
  const visibleSteps = () => steps.filter((s) => s.dataset.skip !== 'true');
  const show = (section) => {
    for (const s of [...steps, review]) s.hidden = s !== section;
    actions.hidden = section !== review;
    const h = section.querySelector('h2');
    h.tabIndex = -1;
    h.focus();
  };
  const buildReview = () => {
    const dl = review.querySelector('dl');
    dl.replaceChildren();
    walkForm((n, id, name, bound, state) => {
      if (state !== true || n.kind === 'note' || n.kind === 'computed' || n.kind === 'group') return;
      const slots = n.repeat ? slotCount(id) : 1;
      for (let i = 0; i < slots; i++) {
        const nm = n.repeat ? `${name}[${i}]` : name;
        const value = n.repeat ? readField(n, nm) : readNode(n, nm, id);
        if (value === undefined) continue;
        const dt = document.createElement('dt');
        dt.textContent = text(n.label) + (n.repeat ? ` ${i + 1}` : '');
        const dd = document.createElement('dd');
        const input = byName(nm)[0];
        let shown = Array.isArray(value) ? value.map((x) => (typeof x === 'object' ? x.filename : x)).join(', ') : String(value);
        if (input && input.type === 'radio') shown = input.closest('fieldset')?.querySelector(`input[value="${CSS.escape(String(value === true ? 'true' : value === false ? 'false' : value))}"] + label`)?.textContent || shown;
        if (input && input.tagName === 'SELECT' && !input.multiple) shown = input.selectedOptions[0]?.textContent || shown;
        if (value === true) shown = T.yes;
        dd.textContent = shown;
        const change = document.createElement('a');
        const step = steps.find((s) => s.contains(input || document.getElementById(id)));
        change.href = `#${(input || document.getElementById(id) || {}).id || ''}`;
        change.className = 'amt-change';
        change.textContent = T.change;
        change.addEventListener('click', (e) => {
          e.preventDefault();
          if (step) { current = visibleSteps().indexOf(step); show(step); }
        });
        dd.append(' ', change);
        dl.append(dt, dd);
      }
    });
  };
  const nav = (section, i) => {
    const bar = document.createElement('div');
    bar.className = 'amt-nav';
    if (i > 0) {
      const back = document.createElement('button');
      back.type = 'button';
      back.className = 'amt-button amt-secondary';
      back.textContent = T.back;
      back.addEventListener('click', () => { update(); const v = visibleSteps(); current = Math.max(0, v.indexOf(section) - 1); show(v[current]); });
      bar.append(back);
    }
    const next = document.createElement('button');
    next.type = 'button';
    next.className = 'amt-button';
    next.textContent = T.next;
    next.addEventListener('click', () => {
      update();
      const index = steps.indexOf(section);
      if (!showErrors(section, problems(index))) return;
      const v = visibleSteps();
      const at = v.indexOf(section);
      if (at + 1 < v.length) { current = at + 1; show(v[current]); } else { buildReview(); show(review); }
    });
    bar.append(next);
    section.append(bar);
  };
  steps.forEach(nav);
  const back = document.createElement('button');
  back.type = 'button';
  back.className = 'amt-button amt-secondary';
  back.textContent = T.back;
  back.addEventListener('click', () => { const v = visibleSteps(); show(v[v.length - 1]); });
  actions.prepend(back);

  // Repeats: empty optional items stay folded until asked for.
  for (const rep of form.querySelectorAll('.amt-repeat')) {
    const items = Array.from(rep.querySelectorAll(':scope > .amt-item'));
    const filled = (it) => Array.from(it.querySelectorAll('input, select, textarea')).some((e) => (e.type === 'checkbox' || e.type === 'radio' ? e.checked : e.value !== ''));
    items.forEach((it, i) => { if (i > 0 && it.querySelector('legend .amt-optional') && !filled(it)) it.hidden = true; });
    const add = document.createElement('button');
    add.type = 'button';
    add.className = 'amt-button amt-secondary';
    add.textContent = T.add;
    add.addEventListener('click', () => {
      const next = items.find((it) => it.hidden);
      if (next) { next.hidden = false; next.querySelector('input, select, textarea')?.focus(); }
      add.hidden = !items.some((it) => it.hidden);
    });
    add.hidden = !items.some((it) => it.hidden);
    rep.append(add);
    // Optional items can be removed again: cleared and folded away.
    for (const it of items) {
      if (!it.querySelector('legend .amt-optional')) continue;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'amt-button amt-secondary';
      remove.textContent = `${T.remove}: ${it.querySelector('legend').firstChild.textContent.trim()}`;
      remove.addEventListener('click', () => {
        clear(it);
        it.hidden = true;
        add.hidden = false;
        update();
        add.focus();
      });
      it.append(remove);
    }
  }

  // The script checks each step; the browser's own check would stop at
  // inputs of steps that are folded away.
  form.noValidate = true;
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', () => {
    hidden.value = JSON.stringify(readAll());
  });
  update();
  show(visibleSteps()[0]);
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

  // For tests and for portals that build on the form.
  window.amt = { verdict, data: readAll, check: (i) => problems(i), steps: () => visibleSteps().map((s) => s.id), review: () => { buildReview(); show(review); }, show: (id) => show(document.getElementById(id)) };
})();
