#!/usr/bin/env python3
"""Draws the diagram (BPMNDiagram) of a BPMN file as SVG: events as circles,
gateways as diamonds, tasks and subprocesses as boxes, flows as lines, with
names. Enough to look at amt's automatic layout without a modeler:

    python3 scripts/bpmn-to-svg.py output/bauantrag_bayern/workflow.bpmn /tmp/bauantrag.svg
    rsvg-convert /tmp/bauantrag.svg -o /tmp/bauantrag.png    # apt-get install librsvg2-bin
"""
import re,sys
x=open(sys.argv[1]).read()
shapes=re.findall(r'<bpmndi:BPMNShape id="[^"]*" bpmnElement="([^"]+)"[^>]*>\s*<dc:Bounds x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)"',x)
names=dict(re.findall(r'<bpmn:\w+ id="([^"]+)" name="([^"]*)"',x))
edges=re.findall(r'<bpmndi:BPMNEdge id="[^"]*" bpmnElement="[^"]+">(.*?)</bpmndi:BPMNEdge>',x,re.S)
W=max(int(a)+int(c) for _,a,b,c,d in shapes)+200; H=max(int(b)+int(d) for _,a,b,c,d in shapes)+200
out=[f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" style="background:white"><rect width="{W}" height="{H}" fill="white"/>']
for e in edges:
    pts=re.findall(r'x="(-?\d+)" y="(-?\d+)"',e)
    out.append('<polyline fill="none" stroke="#36c" stroke-width="2" points="'+' '.join(f'{a},{b}' for a,b in pts)+'"/>')
    if pts: out.append(f'<circle cx="{pts[-1][0]}" cy="{pts[-1][1]}" r="4" fill="#36c"/>')
for el,a,b,c,d in shapes:
    a,b,c,d=map(int,(a,b,c,d))
    kind='sub' if el.startswith('Sub_') else ('ev' if c==36 else ('gw' if c==50 else 'task'))
    fill={'sub':'none','ev':'#efe','gw':'#ffe','task':'#eef'}[kind]
    if kind=='ev': out.append(f'<circle cx="{a+18}" cy="{b+18}" r="18" fill="{fill}" stroke="black"/>')
    elif kind=='gw': out.append(f'<polygon points="{a+25},{b} {a+50},{b+25} {a+25},{b+50} {a},{b+25}" fill="{fill}" stroke="black"/>')
    else: out.append(f'<rect x="{a}" y="{b}" width="{c}" height="{d}" fill="{fill}" stroke="black" rx="8"/>')
    out.append(f'<text x="{a}" y="{b-4 if kind!="task" else b+d//2}" font-size="11" font-family="sans-serif">{names.get(el,el)[:28]}</text>')
out.append('</svg>')
open(sys.argv[2],'w').write('\n'.join(out))
