// Throughput sparkline as inline SVG built with DOM APIs (no markup strings).
import { perMinute } from '../../src/protocol/time-format';
import { svgEl } from './dom';

const W = 240;
const H = 40;

export function buildSparkline(points: readonly number[]): SVGSVGElement {
  const svg = svgEl('svg', {
    class: 'sparkline',
    viewBox: `0 0 ${W} ${H}`,
    preserveAspectRatio: 'none',
    role: 'img',
  });
  const title = svgEl('title');
  const last = points[points.length - 1];
  title.textContent =
    points.length === 0
      ? 'No completions yet'
      : `Completions per minute over the last ${points.length} samples: now ${perMinute(last ?? 0)}, peak ${perMinute(Math.max(...points))}`;
  svg.append(title);
  if (points.length < 2) return svg;

  const peak = Math.max(1, ...points);
  const step = W / (points.length - 1);
  const coords = points.map((p, i) => `${(i * step).toFixed(1)},${(H - 2 - (p / peak) * (H - 4)).toFixed(1)}`);
  svg.append(
    svgEl('polygon', { class: 'sparkline-area', points: `0,${H} ${coords.join(' ')} ${W},${H}` }),
    svgEl('polyline', { class: 'sparkline-line', points: coords.join(' ') }),
  );
  return svg;
}
