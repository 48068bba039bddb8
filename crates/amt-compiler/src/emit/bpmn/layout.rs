//! The diagram and the XML of the process: where each shape goes (layers
//! left to right, rows beside what leads to them), the bends of each flow,
//! and the elements written out per container.

use super::{El, Flow, Kind, xml};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

/// A shape's place: x, y, width, height.
type Bounds = (i64, i64, i64, i64);

fn size(kind: &Kind) -> (i64, i64) {
    match kind {
        Kind::Start | Kind::End { .. } | Kind::Boundary { .. } => (36, 36),
        Kind::UserTask { .. } | Kind::ServiceTask { .. } => (100, 80),
        Kind::Xor { .. } | Kind::And => (50, 50),
        Kind::Sub => (0, 0),
    }
}

const GAP_X: i64 = 60;
const GAP_Y: i64 = 60;
const PAD: i64 = 40;

/// Lays out one container left to right: layers by longest path (loops
/// broken at their back edge), rows keeping each node beside the node it is
/// first reached from. Returns the bounds of every shape (subprocesses laid
/// out first, as one block) relative to the container's origin.
fn layout(
    els: &[El],
    flows: &[Flow],
    container: &str,
    out: &mut BTreeMap<String, Bounds>,
) -> (i64, i64) {
    let members: Vec<&El> = els
        .iter()
        .filter(|e| e.parent == container && !matches!(e.kind, Kind::Boundary { .. }))
        .collect();
    let mut inner: HashMap<&str, BTreeMap<String, Bounds>> = HashMap::new();
    let sizes: Vec<(i64, i64)> = members
        .iter()
        .map(|e| {
            if e.kind == Kind::Sub {
                let mut sub = BTreeMap::new();
                let (w, h) = layout(els, flows, &e.id, &mut sub);
                inner.insert(&e.id, sub);
                (w + 2 * PAD, h + 2 * PAD)
            } else {
                size(&e.kind)
            }
        })
        .collect();
    let graph = Graph::new(els, flows, &members);
    let widths: Vec<i64> = sizes.iter().map(|&(w, _)| w).collect();
    let x = graph.columns(&widths);
    let row = graph.rows(&x, &widths);
    let rows = row.iter().max().map_or(0, |m| m + 1);
    let mut row_h = vec![0i64; rows];
    for (i, &(_, h)) in sizes.iter().enumerate() {
        row_h[row[i]] = row_h[row[i]].max(h);
    }
    let row_y: Vec<i64> = row_h
        .iter()
        .scan(0, |y, h| {
            let here = *y;
            *y += h + GAP_Y;
            Some(here)
        })
        .collect();
    let mut width = 0;
    for (i, e) in members.iter().enumerate() {
        let (w, h) = sizes[i];
        let (nx, ny) = (x[i], row_y[row[i]] + (row_h[row[i]] - h) / 2);
        width = width.max(nx + w);
        out.insert(e.id.clone(), (nx, ny, w, h));
        if let Some(sub) = inner.remove(e.id.as_str()) {
            for (id, (ix, iy, iw, ih)) in sub {
                out.insert(id, (nx + PAD + ix, ny + PAD + iy, iw, ih));
            }
        }
    }
    place_boundary_events(els, container, out);
    let height = row_h.iter().sum::<i64>() + GAP_Y * (rows.saturating_sub(1) as i64);
    (width, height)
}

/// Boundary events sit on the lower edge of their task, from the right,
/// side by side.
fn place_boundary_events(els: &[El], container: &str, out: &mut BTreeMap<String, Bounds>) {
    for e in els.iter().filter(|e| e.parent == container) {
        if let Kind::Boundary { attached, .. } = &e.kind
            && let Some(&(x, y, w, h)) = out.get(attached)
        {
            let k = els
                .iter()
                .filter(|o| matches!(&o.kind, Kind::Boundary { attached: a, .. } if a == attached))
                .position(|o| o.id == e.id)
                .unwrap_or(0) as i64;
            out.insert(e.id.clone(), (x + w - 54 - 40 * k, y + h - 18, 36, 36));
        }
    }
}

/// The flows between the members of a container, by the members' index:
/// what follows each, the order a depth-first walk reaches them in, and
/// the back edges that close loops.
struct Graph {
    succ: Vec<Vec<usize>>,
    order: Vec<usize>,
    back: BTreeSet<(usize, usize)>,
}

impl Graph {
    /// The graph of `members`; a boundary event's flows leave from its task.
    fn new(els: &[El], flows: &[Flow], members: &[&El]) -> Graph {
        let attached: HashMap<&str, &str> = els
            .iter()
            .filter_map(|e| match &e.kind {
                Kind::Boundary { attached, .. } => Some((e.id.as_str(), attached.as_str())),
                _ => None,
            })
            .collect();
        let index: HashMap<&str, usize> = members
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
        for f in flows {
            let source = attached
                .get(f.source.as_str())
                .copied()
                .unwrap_or(&f.source);
            if let (Some(&a), Some(&b)) = (index.get(source), index.get(f.target.as_str()))
                && !succ[a].contains(&b)
            {
                succ[a].push(b);
            }
        }
        let (order, back) = depth_first(&succ);
        Graph { succ, order, back }
    }

    /// Whether `a → b` is an edge that closes no loop.
    fn forward(&self, a: usize, b: usize) -> bool {
        self.succ[a].contains(&b) && !self.back.contains(&(a, b))
    }

    /// Each node's layer: the length of the longest path to it, loops
    /// broken.
    fn layers(&self) -> Vec<usize> {
        let n = self.succ.len();
        let mut layer = vec![0usize; n];
        for _ in 0..n {
            let mut changed = false;
            for a in 0..n {
                for &b in &self.succ[a] {
                    if !self.back.contains(&(a, b)) && layer[b] < layer[a] + 1 {
                        layer[b] = layer[a] + 1;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        layer
    }

    /// Columns in pixels: each node right of its furthest predecessor (loops
    /// broken), so a wide subprocess pushes only what follows it.
    fn columns(&self, widths: &[i64]) -> Vec<i64> {
        let n = self.succ.len();
        let layer = self.layers();
        let mut by_layer: Vec<usize> = (0..n).collect();
        by_layer.sort_by_key(|&i| layer[i]);
        let mut x = vec![0i64; n];
        for &i in &by_layer {
            for p in 0..n {
                if self.forward(p, i) {
                    x[i] = x[i].max(x[p] + widths[p] + GAP_X);
                }
            }
        }
        x
    }

    /// Rows: beside the first predecessor if that place is free, else the
    /// next row where nothing overlaps horizontally.
    fn rows(&self, x: &[i64], widths: &[i64]) -> Vec<usize> {
        let n = self.succ.len();
        let mut row = vec![usize::MAX; n];
        let mut placed: Vec<(usize, i64, i64)> = Vec::new();
        for &i in &self.order {
            let preferred = (0..n)
                .find(|&p| row[p] != usize::MAX && self.forward(p, i))
                .map_or(0, |p| row[p]);
            let (lo, hi) = (x[i], x[i] + widths[i]);
            let mut r = preferred;
            while placed
                .iter()
                .any(|&(pr, a, b)| pr == r && lo < b + GAP_X / 2 && a < hi + GAP_X / 2)
            {
                r += 1;
            }
            row[i] = r;
            placed.push((r, lo, hi));
        }
        row
    }
}

/// A depth-first walk, from the nodes nothing leads to in order, then from
/// any not reached yet: the order the nodes are reached in, and the back
/// edges (the loops).
fn depth_first(succ: &[Vec<usize>]) -> (Vec<usize>, BTreeSet<(usize, usize)>) {
    /// Walks on from `n`; `state` is 0 where not reached yet, 1 on the
    /// path being walked, 2 where done.
    fn visit(
        n: usize,
        succ: &[Vec<usize>],
        state: &mut [u8],
        order: &mut Vec<usize>,
        back: &mut BTreeSet<(usize, usize)>,
    ) {
        state[n] = 1;
        order.push(n);
        for &m in &succ[n] {
            match state[m] {
                0 => visit(m, succ, state, order, back),
                1 => {
                    back.insert((n, m));
                }
                _ => {}
            }
        }
        state[n] = 2;
    }
    let mut state = vec![0u8; succ.len()];
    let mut order = Vec::new();
    let mut back = BTreeSet::new();
    let has_pred: BTreeSet<usize> = succ.iter().flatten().copied().collect();
    for n in (0..succ.len())
        .filter(|n| !has_pred.contains(n))
        .chain(0..succ.len())
    {
        if state[n] == 0 {
            visit(n, succ, &mut state, &mut order, &mut back);
        }
    }
    (order, back)
}

fn waypoints(
    f: &Flow,
    bounds: &BTreeMap<String, Bounds>,
    boundary: bool,
    gateway: bool,
    below: i64,
) -> Vec<(i64, i64)> {
    let (Some(&(sx, sy, sw, sh)), Some(&(tx, ty, tw, th))) =
        (bounds.get(&f.source), bounds.get(&f.target))
    else {
        return Vec::new();
    };
    let (t_mid_y, s_mid_y) = (ty + th / 2, sy + sh / 2);
    if boundary {
        // Down from the boundary event, then right into the target.
        let (bx, by) = (sx + sw / 2, sy + sh);
        if tx > bx {
            return vec![
                (bx, by),
                (bx, t_mid_y.max(by + 20)),
                (tx, t_mid_y.max(by + 20)),
            ]
            .into_iter()
            .chain(if t_mid_y >= by + 20 {
                None
            } else {
                Some((tx, t_mid_y))
            })
            .collect();
        }
        return vec![(bx, by), (bx, below), (tx + 18, below), (tx + 18, ty + th)];
    }
    if tx > sx + sw {
        let start = (sx + sw, s_mid_y);
        if s_mid_y == t_mid_y {
            return vec![start, (tx, t_mid_y)];
        }
        // A branch leaves a gateway from its lower (or upper) corner.
        if gateway {
            let scx = sx + sw / 2;
            let from = if t_mid_y > s_mid_y {
                (scx, sy + sh)
            } else {
                (scx, sy)
            };
            return vec![from, (scx, t_mid_y), (tx, t_mid_y)];
        }
        let mx = tx - GAP_X / 2;
        return vec![start, (mx, s_mid_y), (mx, t_mid_y), (tx, t_mid_y)];
    }
    // A loop back: below everything, into the target from underneath.
    // From the left part of the source, clear of boundary events on the right.
    let (scx, tcx) = (sx + sw / 4, tx + tw / 4);
    vec![(scx, sy + sh), (scx, below), (tcx, below), (tcx, ty + th)]
}

/// The diagram: a shape for each element and an edge for each flow, as
/// [`layout`] places them, moved right and down from the origin as
/// modelers do.
pub(super) fn write_diagram(
    x: &mut String,
    els: &[El],
    flows: &[Flow],
    procedure: &str,
    process_id: &str,
) {
    let mut bounds = BTreeMap::new();
    let (_, height) = layout(els, flows, "", &mut bounds);
    let bounds: BTreeMap<String, Bounds> = bounds
        .into_iter()
        .map(|(k, (x, y, w, h))| (k, (x + 150, y + 80, w, h)))
        .collect();
    let _ = writeln!(
        x,
        r#"  <bpmndi:BPMNDiagram id="Diagram_{}">"#,
        xml(procedure)
    );
    let _ = writeln!(
        x,
        r#"    <bpmndi:BPMNPlane id="Plane_{}" bpmnElement="{}">"#,
        xml(procedure),
        xml(process_id)
    );
    write_shapes(x, els, &bounds);
    write_edges(x, els, flows, &bounds, 80 + height + 40);
    let _ = writeln!(x, "    </bpmndi:BPMNPlane>");
    let _ = writeln!(x, "  </bpmndi:BPMNDiagram>");
}

/// A shape for each element that has a place.
fn write_shapes(x: &mut String, els: &[El], bounds: &BTreeMap<String, Bounds>) {
    for e in els {
        let Some(&(bx, by, bw, bh)) = bounds.get(&e.id) else {
            continue;
        };
        let extra = match e.kind {
            Kind::Xor { .. } => r#" isMarkerVisible="true""#,
            Kind::Sub => r#" isExpanded="true""#,
            _ => "",
        };
        let _ = writeln!(
            x,
            r#"      <bpmndi:BPMNShape id="{0}_di" bpmnElement="{0}"{extra}>"#,
            xml(&e.id)
        );
        let _ = writeln!(
            x,
            r#"        <dc:Bounds x="{bx}" y="{by}" width="{bw}" height="{bh}" />"#
        );
        let _ = writeln!(x, "      </bpmndi:BPMNShape>");
    }
}

/// An edge for each flow. Loops run back underneath, each in a lane of its
/// own: below the diagram (from `below` down), or inside the subprocess
/// they belong to.
fn write_edges(
    x: &mut String,
    els: &[El],
    flows: &[Flow],
    bounds: &BTreeMap<String, Bounds>,
    below: i64,
) {
    let mut lanes: HashMap<String, i64> = HashMap::new();
    for f in flows {
        let source = els.iter().find(|e| e.id == f.source);
        let kind = source.map(|e| &e.kind);
        let boundary = matches!(kind, Some(Kind::Boundary { .. }));
        let gateway = matches!(kind, Some(Kind::Xor { .. } | Kind::And));
        let parent = source.map_or("", |e| e.parent.as_str());
        let is_loop = matches!((bounds.get(&f.source), bounds.get(&f.target)), (Some(a), Some(b)) if b.0 <= a.0 + a.2);
        let lane = if is_loop {
            let k = lanes.entry(parent.to_string()).or_insert(0);
            *k += 1;
            *k
        } else {
            0
        };
        let floor = match bounds.get(parent) {
            Some(&(_, y, _, h)) => y + h - 8 - 10 * ((lane - 1).max(0) % 3),
            None => below + 14 * (lane - 1).max(0),
        };
        let points = waypoints(f, bounds, boundary, gateway, floor);
        let _ = writeln!(
            x,
            r#"      <bpmndi:BPMNEdge id="{0}_di" bpmnElement="{0}">"#,
            xml(&f.id)
        );
        for (px, py) in points {
            let _ = writeln!(x, r#"        <di:waypoint x="{px}" y="{py}" />"#);
        }
        let _ = writeln!(x, "      </bpmndi:BPMNEdge>");
    }
}

/// The elements of `container` and the flows that leave them, as the
/// process's XML, `depth` levels in; a subprocess holds its own.
pub(super) fn write_container(
    x: &mut String,
    els: &[El],
    flows: &[Flow],
    container: &str,
    depth: usize,
    procedure: &str,
) {
    let pad = "  ".repeat(depth);
    for e in els.iter().filter(|e| e.parent == container) {
        let (tag, attrs) = tag_and_attrs(&e.kind);
        let name = if e.name.is_empty() {
            String::new()
        } else {
            format!(r#" name="{}""#, xml(&e.name))
        };
        let _ = writeln!(x, r#"{pad}<bpmn:{tag} id="{}"{name}{attrs}>"#, xml(&e.id));
        write_zeebe_extensions(x, &pad, e, procedure);
        for f in flows.iter().filter(|f| f.target == e.id) {
            let _ = writeln!(x, "{pad}  <bpmn:incoming>{}</bpmn:incoming>", xml(&f.id));
        }
        for f in flows.iter().filter(|f| f.source == e.id) {
            let _ = writeln!(x, "{pad}  <bpmn:outgoing>{}</bpmn:outgoing>", xml(&f.id));
        }
        match &e.kind {
            Kind::Sub => write_container(x, els, flows, &e.id, depth + 1, procedure),
            _ => write_event_definition(x, &pad, e),
        }
        let _ = writeln!(x, "{pad}</bpmn:{tag}>");
    }
    let ids: BTreeSet<&str> = els
        .iter()
        .filter(|e| e.parent == container)
        .map(|e| e.id.as_str())
        .collect();
    for f in flows.iter().filter(|f| {
        ids.contains(f.source.as_str())
            || (container.is_empty() && !els.iter().any(|e| e.id == f.source))
    }) {
        write_flow(x, &pad, f);
    }
}

/// An element's tag, and the attributes its kind adds (a gateway's default
/// flow, the task a boundary event is attached to).
fn tag_and_attrs(kind: &Kind) -> (&'static str, String) {
    match kind {
        Kind::Start => ("startEvent", String::new()),
        Kind::End { .. } => ("endEvent", String::new()),
        Kind::UserTask { .. } => ("userTask", String::new()),
        Kind::ServiceTask { .. } => ("serviceTask", String::new()),
        Kind::Xor { default } => (
            "exclusiveGateway",
            default
                .as_ref()
                .map(|d| format!(r#" default="{}""#, xml(d)))
                .unwrap_or_default(),
        ),
        Kind::And => ("parallelGateway", String::new()),
        Kind::Sub => ("subProcess", String::new()),
        Kind::Boundary {
            attached,
            interrupting,
            ..
        } => (
            "boundaryEvent",
            format!(
                r#" attachedToRef="{}" cancelActivity="{interrupting}""#,
                xml(attached)
            ),
        ),
    }
}

/// What Zeebe needs to run a task: a user task's form and candidate group,
/// a service task's job type and headers.
fn write_zeebe_extensions(x: &mut String, pad: &str, e: &El, procedure: &str) {
    match &e.kind {
        Kind::UserTask { group } => {
            let _ = writeln!(x, "{pad}  <bpmn:extensionElements>");
            let _ = writeln!(x, "{pad}    <zeebe:userTask />");
            // The step's Camunda Form (`<form id>.form`), deployed with
            // the process (`camunda_form`).
            let _ = writeln!(
                x,
                r#"{pad}    <zeebe:formDefinition formId="{}" bindingType="deployment" />"#,
                xml(&crate::emit::camunda_form::form_id(
                    procedure,
                    e.id.trim_start_matches("Task_")
                ))
            );
            let _ = writeln!(
                x,
                r#"{pad}    <zeebe:assignmentDefinition candidateGroups="{}" />"#,
                xml(group)
            );
            let _ = writeln!(x, "{pad}  </bpmn:extensionElements>");
        }
        Kind::ServiceTask {
            job,
            headers,
            inputs,
        } => {
            let _ = writeln!(x, "{pad}  <bpmn:extensionElements>");
            let _ = writeln!(
                x,
                r#"{pad}    <zeebe:taskDefinition type="{}" retries="3" />"#,
                xml(job)
            );
            if !inputs.is_empty() {
                let _ = writeln!(x, "{pad}    <zeebe:ioMapping>");
                for (target, source) in inputs {
                    let _ = writeln!(
                        x,
                        r#"{pad}      <zeebe:input source="{}" target="{}" />"#,
                        xml(source),
                        xml(target)
                    );
                }
                let _ = writeln!(x, "{pad}    </zeebe:ioMapping>");
            }
            if !headers.is_empty() {
                let _ = writeln!(x, "{pad}    <zeebe:taskHeaders>");
                for (k, v) in headers {
                    let _ = writeln!(
                        x,
                        r#"{pad}      <zeebe:header key="{}" value="{}" />"#,
                        xml(k),
                        xml(v)
                    );
                }
                let _ = writeln!(x, "{pad}    </zeebe:taskHeaders>");
            }
            let _ = writeln!(x, "{pad}  </bpmn:extensionElements>");
        }
        _ => {}
    }
}

/// A boundary event's timer, or a terminate end event's definition.
fn write_event_definition(x: &mut String, pad: &str, e: &El) {
    match &e.kind {
        Kind::Boundary { duration, .. } => {
            let _ = writeln!(
                x,
                "{pad}  <bpmn:timerEventDefinition id=\"{}__def\">",
                xml(&e.id)
            );
            let _ = writeln!(
                x,
                r#"{pad}    <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{}</bpmn:timeDuration>"#,
                xml(duration)
            );
            let _ = writeln!(x, "{pad}  </bpmn:timerEventDefinition>");
        }
        Kind::End { terminate: true } => {
            let _ = writeln!(
                x,
                r#"{pad}  <bpmn:terminateEventDefinition id="{}__def" />"#,
                xml(&e.id)
            );
        }
        _ => {}
    }
}

/// A sequence flow, with its condition where it has one.
fn write_flow(x: &mut String, pad: &str, f: &Flow) {
    let name = f
        .name
        .as_ref()
        .map(|n| format!(r#" name="{}""#, xml(n)))
        .unwrap_or_default();
    match &f.condition {
        Some(c) => {
            let _ = writeln!(
                x,
                r#"{pad}<bpmn:sequenceFlow id="{}"{name} sourceRef="{}" targetRef="{}">"#,
                xml(&f.id),
                xml(&f.source),
                xml(&f.target)
            );
            let _ = writeln!(
                x,
                r#"{pad}  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{}</bpmn:conditionExpression>"#,
                xml(c)
            );
            let _ = writeln!(x, "{pad}</bpmn:sequenceFlow>");
        }
        None => {
            let _ = writeln!(
                x,
                r#"{pad}<bpmn:sequenceFlow id="{}"{name} sourceRef="{}" targetRef="{}" />"#,
                xml(&f.id),
                xml(&f.source),
                xml(&f.target)
            );
        }
    }
}
