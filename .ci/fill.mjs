// Sets a form's inputs from a submission, as a person would fill them in:
// radios, boxes, selects, repeats by their names (`person[0].name`), and
// parts shown when they hold an answer. Files are returned, to be set by
// Playwright. Shared by .ci/forms.mjs and .ci/serve.mjs.
export const fill = (page, data) => page.evaluate((data) => {
  const files = [];
  const set = (name, v) => {
    const els = Array.from(document.getElementsByName(name));
    if (!els.length) throw new Error(`no input named ${name}`);
    const el = els[0];
    if (el.type === 'file') { files.push([name, v]); return; }
    if (el.type === 'radio') { const r = els.find((e) => e.value === (typeof v === 'boolean' ? String(v) : v)); if (!r) throw new Error(`no choice ${v} for ${name}`); r.checked = true; return; }
    if (el.type === 'checkbox' && Array.isArray(v)) { for (const e of els) e.checked = v.includes(e.value); return; }
    if (el.type === 'checkbox') { el.checked = v === true; return; }
    if (el.tagName === 'SELECT' && el.multiple) { for (const o of el.options) o.selected = v.includes(o.value); return; }
    el.value = String(v);
  };
  const walk = (v, name) => {
    if (Array.isArray(v) && v.length && typeof v[0] === 'object' && !('filename' in v[0])) { v.forEach((x, i) => walk(x, `${name}[${i}]`)); return; }
    if (Array.isArray(v) && v.length && typeof v[0] === 'object') { set(name, v); return; }
    if (v && typeof v === 'object' && !Array.isArray(v)) { for (const [k, x] of Object.entries(v)) walk(x, name ? `${name}.${k}` : k); return; }
    const els = document.getElementsByName(name);
    if (Array.isArray(v) && !els.length) { v.forEach((x, i) => set(`${name}[${i}]`, x)); return; }
    set(name, v);
  };
  walk(data, '');
  for (const el of document.querySelectorAll('.amt-item[hidden]')) if (Array.from(el.querySelectorAll('input, select, textarea')).some((e) => (e.type === 'checkbox' || e.type === 'radio' ? e.checked : e.value))) el.hidden = false;
  document.querySelector('form').dispatchEvent(new Event('change'));
  return files;
}, data);
