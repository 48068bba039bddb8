// Runs every generated workflow.bpmn in bpmn-engine with FEEL conditions
// (feelin) and zeebe job types mapped to workers, once per example of the
// procedure that states an outcome or a path, and checks that the case takes
// the path amt predicts. Deadlines are fired by hand through bpmn-engine's
// timer hooks, never waited for. Usage: node .ci/workflows.mjs OUTPUT_DIR
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Engine } from 'bpmn-engine';
import { Timers } from 'bpmn-elements';
import { evaluate as feel } from 'feelin';
import { builtProcedures, examplesOf } from './built.mjs';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json');
const out = process.argv[2] || 'output';

function feelExpressions(defaults) {
  return {
    ...defaults,
    resolveExpression(expr, context, fnCtx) {
      if (typeof expr === 'string' && expr.startsWith('=')) {
        const vars = { ...(context.environment?.variables || {}) };
        return feel(expr.slice(1), vars).value;
      }
      return defaults.resolveExpression(expr, context, fnCtx);
    },
  };
}

// One case: returns the states it passes, in amt's names.
async function runCase(source, workflow, example) {
  const states = new Map(workflow.states.map((s) => [s.id, s]));
  const branches = new Map(workflow.states.flatMap((s) => s.branches || []).map((b) => [b.id, b]));
  const visits = new Map();
  const decisionsOf = (step) => {
    const n = visits.get(step.id) || 0;
    visits.set(step.id, n + 1);
    const result = {};
    for (const d of step.decisions || []) {
      const values = (example.decisions || {})[d.id];
      if (values && values.length) result[d.id] = values[Math.min(n, values.length - 1)];
      else if (d.type.base === 'boolean') result[d.id] = false;
    }
    return result;
  };
  // Fake timers: recorded, fired on demand.
  const pending = new Map();
  let next = 0;
  const timers = new Timers({
    setTimeout(fn, _delay, ...args) {
      const id = ++next;
      pending.set(id, { fn, args });
      return id;
    },
    clearTimeout(id) {
      pending.delete(id);
    },
  });
  const timerOf = (boundaryId) => {
    for (const ref of timers.executing) {
      const owner = ref.owner || {};
      const id = owner.id || owner.content?.id || owner.parent?.id;
      if (id === boundaryId) return ref;
    }
    return undefined;
  };
  // Timers longer than setTimeout's limit (about 24 days) are only
  // registered, never scheduled; both kinds are fired through their reference.
  const fire = (boundaryId) => {
    const ref = timerOf(boundaryId);
    if (!ref) throw new Error(`no running timer ${boundaryId}`);
    timers.clearTimeout(ref);
    ref.callback(...ref.args);
  };
  const fired = new Set();
  const trail = [];
  const listener = new (await import('node:events')).EventEmitter();
  listener.on('activity.start', (api) => trail.push(api.id));
  listener.on('activity.end', (api) => {
    if (api.content.output && typeof api.content.output === 'object' && /Task$/.test(api.type)) {
      Object.assign(api.environment.variables, api.content.output);
    }
  });
  listener.on('wait', (api) => {
    if (process.env.AMT_DEBUG) console.error('wait', api.id, timers.executing.map((r) => [r.owner?.id, r.owner?.content?.id, r.owner?.parent?.id, Object.keys(r.owner || {})]));
    if (api.type !== 'bpmn:UserTask') return;
    const id = api.id.replace(/^Task_/, '');
    const step = states.get(id) || branches.get(id);
    setImmediate(() => {
      // A workflow timer that expires while a person has not acted.
      for (const t of workflow.timers || []) {
        if ((example.timeouts || []).includes(t.id) && !fired.has(t.id) && timerOf(`Timer_${t.id}`)) {
          fired.add(t.id);
          fire(`Timer_${t.id}`);
          if (engineEnded) return;
        }
      }
      if ((example.timeouts || []).includes(id)) {
        const t = step.transitions.find((x) => x.after);
        fire(states.has(id) ? `Timer_${id}_${t.to}` : `Timer_${id}`);
        return;
      }
      api.signal(decisionsOf(step));
    });
  });
  const workers = new Proxy({}, {
    get: (_, type) => (vars, cb, msg) => {
      // A payment: paid at once, unless the example lets its deadline pass.
      if (type === 'amt-payment') {
        const id = msg.content.id.replace(/^Task_/, '');
        const t = (states.get(id)?.transitions || []).find((x) => x.after);
        if ((example.timeouts || []).includes(id) && t) setImmediate(() => fire(`Timer_${id}_${t.to}`));
        else cb(null, {});
        return;
      }
      const step = states.get(type) || branches.get(type);
      cb(null, step ? decisionsOf(step) : {});
    },
  });
  let engineEnded = false;
  const engine = new Engine({
    name: example.name,
    source,
    moddleOptions: { zeebe: zeebeSchema },
    timers,
    expressions: feelExpressions(new Engine().environment.expressions),
    extensions: {
      zeebe(activity) {
        const values = activity.behaviour?.extensionElements?.values || [];
        const def = values.find((v) => v.$type === 'zeebe:TaskDefinition');
        if (activity.type === 'bpmn:ServiceTask' && def) {
          activity.behaviour.Service = function ZeebeJob() {
            return { type: `zeebe:job:${def.type}`, execute: (msg, cb) => workers[def.type](activity.environment.variables, cb, msg) };
          };
        }
        return { activate() {}, deactivate() {} };
      },
    },
    variables: { ...example.data },
  });
  const ended = new Promise((resolve, reject) => {
    engine.once('end', () => { engineEnded = true; resolve(); });
    engine.once('error', reject);
  });
  await engine.execute({ listener });
  await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error(`the process did not end; waiting: ${engine.execution?.getPostponed?.().map((a) => a.id + '[' + (a.owner?.execution?.source?.execution?.getPostponed?.() || []).map((x) => x.id).join('|') + ']').join(', ')}; trail: ${trail.join(' > ')}`)), 5000))]);
  // The trail in amt's names: start, top-level steps, parallel states, ends.
  const names = [];
  for (const el of trail) {
    const m = /^(Start|Task|Fork|End)_(.+?)(__[0-9]+)?$/.exec(el);
    if (!m) continue;
    const s = states.get(m[2]);
    if (!s) continue;
    if ((m[1] === 'Start' && s.kind === 'start') || (m[1] === 'Task' && (s.kind === 'step' || s.kind === 'payment'))
      || (m[1] === 'Fork' && s.kind === 'parallel') || (m[1] === 'End' && s.kind === 'end')) names.push(s.id);
  }
  return names;
}

let failures = 0;
let runs = 0;


for (const target of builtProcedures(out)) {
  const id = target.id;
  const bpmn = join(out, id, 'workflow.bpmn');
  if (!existsSync(bpmn)) continue;
  const source = readFileSync(bpmn, 'utf8');
  const model = JSON.parse(readFileSync(join(out, id, 'procedure.json'), 'utf8'));
  model.examples = examplesOf(model, target);
  const workflow = JSON.parse(readFileSync(join(out, id, 'workflow.json'), 'utf8'));
  for (const example of model.examples || []) {
    const outcome = example.expect.find((e) => e.expect === 'outcome');
    const path = example.expect.find((e) => e.expect === 'path');
    if (!outcome && !path) continue;
    runs++;
    let names;
    try {
      names = await runCase(source, workflow, example);
    } catch (e) {
      console.error(`${id} › ${example.name}: ${e.message}`);
      failures++;
      continue;
    }
    const ok = (!outcome || names[names.length - 1] === outcome.state)
      && (!path || JSON.stringify(names) === JSON.stringify(path.states));
    if (!ok) {
      failures++;
      console.error(`${id} › ${example.name}:\n  expected ${path ? path.states.join(' → ') : '… → ' + outcome.state}\n  engine   ${names.join(' → ')}`);
    }
  }
}
console.log(`bpmn-engine: ${runs} example paths run, ${failures} failures`);
process.exit(failures === 0 && runs > 0 ? 0 : 1);
