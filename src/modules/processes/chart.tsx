import type { VNode } from 'preact';
import type { StatRow } from './register.ts';

/**
 * A horizontal stacked bar chart drawn on the server as SVG: no script, scales with the page,
 * readable by screen readers through its title and description (the table beside it carries the
 * same numbers). Colours differ in lightness as well as hue and every segment is labelled.
 */

export const SEGMENTS = [
  { key: 'accredited', fill: '#1f6f3d', ink: '#ffffff' },
  { key: 'refused', fill: '#b00020', ink: '#ffffff' },
  { key: 'pending', fill: '#c9d1da', ink: '#1b1f24' },
] as const;

export interface ChartLabels {
  title: string;
  description: string;
  rowLabel(value: string): string;
  segmentLabel(key: (typeof SEGMENTS)[number]['key']): string;
}

const WIDTH = 640;
const LABEL = 190;
const BAR = 26;
const GAP = 12;
const TOP = 34;

export function StackedBars(props: { id: string; rows: StatRow[]; labels: ChartLabels }): VNode {
  const max = Math.max(1, ...props.rows.map((r) => r.applied));
  const scale = (WIDTH - LABEL - 50) / max;
  const height = TOP + props.rows.length * (BAR + GAP) + 8;
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      role="img"
      aria-labelledby={`${titleId} ${descId}`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={titleId}>{props.labels.title}</title>
      <desc id={descId}>{props.labels.description}</desc>
      <g class="legend" aria-hidden="true">
        {SEGMENTS.map((s, i) => (
          <g key={s.key} transform={`translate(${LABEL + i * 140}, 6)`}>
            <rect width="14" height="14" fill={s.fill} stroke="#1b1f24" stroke-width="0.5" />
            <text x="20" y="12" font-size="13" fill="#1b1f24">
              {props.labels.segmentLabel(s.key)}
            </text>
          </g>
        ))}
      </g>
      {props.rows.map((row, i) => {
        const y = TOP + i * (BAR + GAP);
        let x = LABEL;
        return (
          <g key={row.value} aria-hidden="true">
            <text x={LABEL - 8} y={y + BAR / 2 + 5} font-size="13" text-anchor="end" fill="#1b1f24">
              {props.labels.rowLabel(row.value)}
            </text>
            {SEGMENTS.map((s) => {
              const count = row[s.key];
              if (count === 0) return null;
              const w = count * scale;
              const segment = (
                <g key={s.key}>
                  <rect x={x} y={y} width={w} height={BAR} fill={s.fill} />
                  {w >= 22 ? (
                    <text
                      x={x + w / 2}
                      y={y + BAR / 2 + 5}
                      font-size="13"
                      text-anchor="middle"
                      fill={s.ink}
                    >
                      {count}
                    </text>
                  ) : null}
                </g>
              );
              x += w;
              return segment;
            })}
            <text x={x + 6} y={y + BAR / 2 + 5} font-size="13" fill="#1b1f24">
              {row.applied}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
