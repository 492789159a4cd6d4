// One time series chart on uPlot (≈50 KB, canvas): loaded lazily with the dashboard, redrawn when data changes.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  values: (number | null)[];
  color: string;
}

export default function TimeChart({
  title,
  xs,
  lines,
  format,
  summary,
}: {
  title: string;
  /** What the chart shows, in words, for people who do not see it. */
  summary: string;
  /** Bucket starts, epoch seconds. */
  xs: number[];
  lines: Line[];
  format: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 180,
        legend: { show: lines.length > 1 },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{}, { size: 70, values: (_u, ticks) => ticks.map(format) }],
        series: [
          {},
          ...lines.map((l) => ({
            label: l.label,
            stroke: l.color,
            // Points too: a bucket between empty ones (no calls, no p95) is otherwise invisible.
            points: { show: true, size: 5, fill: l.color },
            width: 2,
            value: (_u: uPlot, v: number) => format(v),
          })),
        ],
      },
      [xs, ...lines.map((l) => l.values)],
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, el.clientWidth), height: 180 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [xs, lines, format]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${summary}`} />
    </figure>
  );
}
