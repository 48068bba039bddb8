// What a build holds, for the conformance checks that read it.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// The procedures of a build: each `<id>/`, and a procedure built only for
// municipalities at the first `<ARS>/<id>/` that has it, with the examples
// that name that municipality.
export function builtProcedures(out) {
  const top = readdirSync(out).sort();
  const list = top.filter((d) => existsSync(join(out, d, 'procedure.json'))).map((d) => ({ id: d, ars: null }));
  const seen = new Set(list.map((t) => t.id));
  for (const ars of top.filter((d) => /^[0-9]{12}$/.test(d))) {
    for (const id of readdirSync(join(out, ars)).sort()) {
      if (seen.has(id) || !existsSync(join(out, ars, id, 'procedure.json'))) continue;
      seen.add(id);
      list.push({ id: `${ars}/${id}`, ars });
    }
  }
  return list;
}

// The examples of a model that its build target runs: those naming its municipality.
export const examplesOf = (model, t) => (model.examples || []).filter((e) => (e.municipality || null) === t.ars);
