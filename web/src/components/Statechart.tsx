import { useEffect, useMemo, useState } from 'react';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import ELK from 'elkjs/lib/elk.bundled.js';
import { Spin } from 'antd';
import type { MachineDefinition, PathStep } from '../machine';
import { eventLabel, stateLabel, type Lang } from '../labels';

const elk = new ELK();
const NODE_W = 112;
const NODE_H = 40;

interface Props {
  machine: MachineDefinition;
  current?: string;
  path?: PathStep[];
  lang?: Lang;
  height?: number;
}

interface Layout {
  positions: Record<string, { x: number; y: number }>;
}

/** Lays the machine's states out left to right with ELK's layered algorithm (once per machine). */
function useLayout(machine: MachineDefinition): Layout | null {
  const [layout, setLayout] = useState<Layout | null>(null);
  useEffect(() => {
    let cancelled = false;
    const edges = machine.states.flatMap((s) =>
      s.transitions
        .filter((t) => t.target && t.target !== s.id)
        .map((t, i) => ({ id: `${s.id}-${t.event}-${i}`, sources: [s.id], targets: [t.target!] })),
    );
    elk
      .layout({
        id: 'root',
        layoutOptions: {
          'elk.algorithm': 'layered',
          'elk.direction': 'RIGHT',
          'elk.spacing.nodeNode': '28',
          'elk.layered.spacing.nodeNodeBetweenLayers': '60',
        },
        children: machine.states.map((s) => ({ id: s.id, width: NODE_W, height: NODE_H })),
        edges,
      })
      .then((graph) => {
        if (cancelled) return;
        const positions: Layout['positions'] = {};
        for (const child of graph.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
        setLayout({ positions });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [machine]);
  return layout;
}

/**
 * The statechart drawn from the machine definition the server generates from the XState machines: the
 * current state filled, the item's path in red with the order of its steps.
 */
export default function Statechart({ machine, current, path = [], lang = 'zh', height = 360 }: Props) {
  const layout = useLayout(machine);
  const visited = useMemo(() => new Set(path.flatMap((p) => [p.from, p.to])), [path]);
  const { nodes, edges } = useMemo(() => {
    if (!layout) return { nodes: [], edges: [] };
    const nodes: Node[] = machine.states.map((s) => {
      const isCurrent = s.id === current;
      const onPath = visited.has(s.id);
      return {
        id: s.id,
        position: layout.positions[s.id] ?? { x: 0, y: 0 },
        data: { label: lang === 'en' ? s.id : (s.label ?? stateLabel(s.id)) },
        draggable: false,
        connectable: false,
        ariaLabel: `${s.label ?? stateLabel(s.id)}${isCurrent ? '（当前状态）' : ''}`,
        className: isCurrent ? 'sc-current' : undefined,
        style: {
          width: NODE_W,
          height: NODE_H,
          fontSize: 13,
          display: 'grid',
          placeItems: 'center',
          padding: 0,
          borderRadius: s.final ? 20 : 6,
          border: isCurrent ? '3px solid #b71c1c' : onPath ? '2px solid #d9534f' : '1px solid #999',
          background: isCurrent ? '#b71c1c' : onPath ? '#fdecea' : '#fff',
          color: isCurrent ? '#fff' : '#222',
          fontWeight: isCurrent ? 700 : 400,
        },
        'data-state': s.id,
      } as Node;
    });
    const pathEdges = new Map<string, number[]>();
    path.forEach((step, index) => {
      const key = `${step.from}>${step.to}`;
      pathEdges.set(key, [...(pathEdges.get(key) ?? []), index + 1]);
    });
    const grouped = new Map<string, { source: string; target: string; events: string[]; guarded: boolean }>();
    for (const s of machine.states)
      for (const t of s.transitions) {
        if (!t.target || t.target === s.id) continue;
        const key = `${s.id}>${t.target}`;
        const entry = grouped.get(key) ?? { source: s.id, target: t.target, events: [], guarded: false };
        const label = lang === 'en' ? t.event : (t.eventLabel ?? eventLabel(t.event));
        if (!entry.events.includes(label)) entry.events.push(label);
        entry.guarded ||= t.guarded;
        grouped.set(key, entry);
      }
    const edges: Edge[] = [...grouped.entries()].map(([key, e]) => {
      const steps = pathEdges.get(key);
      return {
        id: key,
        source: e.source,
        target: e.target,
        label: steps ? `${steps.join(',')}. ${e.events.join(' / ')}` : e.events.join(' / '),
        animated: false,
        style: {
          stroke: steps ? '#d32f2f' : '#aaa',
          strokeWidth: steps ? 2.5 : 1,
          strokeDasharray: e.guarded ? '4 3' : undefined,
        },
        labelStyle: { fontSize: 10, fill: steps ? '#b71c1c' : '#666' },
        markerEnd: { type: MarkerType.ArrowClosed, color: steps ? '#d32f2f' : '#aaa' },
      };
    });
    return { nodes, edges };
  }, [layout, machine, current, visited, path, lang]);

  if (!layout) return <Spin />;
  return (
    <div
      style={{ height, border: '1px solid #eee', borderRadius: 6 }}
      data-testid="statechart"
      data-current={current}
    >
      <ReactFlow
        key={current /* re-centre when the state changes */}
        nodes={nodes}
        edges={edges}
        fitView
        // Large machines (v2 adds correction states reachable from everywhere) would shrink to an unreadable
        // overview: open centred on the current state at a legible zoom; the controls zoom out.
        fitViewOptions={current ? { nodes: [{ id: current }], minZoom: 0.9, maxZoom: 1 } : { minZoom: 0.5 }}
        nodesDraggable={false}
        nodesConnectable={false}
        minZoom={0.2}
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
