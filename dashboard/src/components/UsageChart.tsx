import { OUTCOMES, type Outcome, type UsagePoint } from '../api';

export const OUTCOME_LABELS: Record<Outcome, string> = {
  accepted: 'Accepted',
  rate_limited: 'Rate limited',
  key_refused: 'Key refused',
  client_error: 'Client errors',
  server_error: 'Server errors',
};

interface Props {
  points: UsagePoint[];
  /** Start of the first bucket, bucket size and count: every bucket gets a bar, empty or not. */
  from: number;
  stepMs: number;
  buckets: number;
  label: string;
}

const WIDTH = 720;
const HEIGHT = 200;
const LEFT = 40;
const BOTTOM = 20;

/**
 * Requests per bucket as stacked bars by outcome, drawn as SVG by the dashboard itself: no
 * chart library, no inline style or script, so the strict CSP holds. Colours come from CSS classes.
 */
export function UsageChart({ points, from, stepMs, buckets, label }: Props) {
  const totals = Array.from({ length: buckets }, () => ({ accepted: 0, rate_limited: 0, key_refused: 0, client_error: 0, server_error: 0 }) as Record<Outcome, number>);
  for (const p of points) {
    const i = Math.floor((Date.parse(p.at) - from) / stepMs);
    if (i < 0 || i >= buckets) continue;
    for (const o of OUTCOMES) totals[i]![o] += p.outcomes[o];
  }
  const sums = totals.map((t) => OUTCOMES.reduce((n, o) => n + t[o], 0));
  const max = Math.max(1, ...sums);
  const all = sums.reduce((a, b) => a + b, 0);
  const plotW = WIDTH - LEFT;
  const plotH = HEIGHT - BOTTOM;
  const barW = plotW / buckets;
  const time = (ms: number) => new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${label}: ${all} requests`} class="chart-svg">
        <line x1={LEFT} y1={plotH} x2={WIDTH} y2={plotH} class="chart-axis" />
        <line x1={LEFT} y1={0} x2={LEFT} y2={plotH} class="chart-axis" />
        <text x={LEFT - 6} y={10} class="chart-tick" text-anchor="end">
          {max}
        </text>
        <text x={LEFT - 6} y={plotH} class="chart-tick" text-anchor="end">
          0
        </text>
        <text x={LEFT} y={HEIGHT - 4} class="chart-tick">
          {time(from)}
        </text>
        <text x={WIDTH} y={HEIGHT - 4} class="chart-tick" text-anchor="end">
          {time(from + buckets * stepMs)}
        </text>
        {totals.map((t, i) => {
          if (sums[i] === 0) return null;
          let y = plotH;
          return (
            <g key={i} class="chart-bar">
              <title>{`${time(from + i * stepMs)}: ${sums[i]} requests (${OUTCOMES.filter((o) => t[o] > 0).map((o) => `${OUTCOME_LABELS[o].toLowerCase()} ${t[o]}`).join(', ')})`}</title>
              {OUTCOMES.map((o) => {
                if (t[o] === 0) return null;
                const h = (t[o] / max) * plotH;
                y -= h;
                return <rect key={o} x={LEFT + i * barW + barW * 0.1} y={y} width={Math.max(1, barW * 0.8)} height={h} class={`outcome-${o}`} />;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption class="chart-legend">
        {OUTCOMES.map((o) => (
          <span key={o} class="legend-item" data-outcome={o}>
            <svg viewBox="0 0 10 10" class="legend-swatch" aria-hidden="true">
              <rect width="10" height="10" class={`outcome-${o}`} />
            </svg>
            {OUTCOME_LABELS[o]} <strong>{totals.reduce((n, t) => n + t[o], 0)}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
