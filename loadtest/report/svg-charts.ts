/**
 * Bar and line charts as inline SVG: the report is one file that needs no network and no script.
 * Each chart has a title, labelled axes, a legend and its values written on the marks.
 */
export interface Series {
  name: string;
  color: string;
  values: number[];
}

const escape = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/** A round axis maximum at or above `value`: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}

const format = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : String(Math.round(value * 10) / 10);

function frame(
  title: string,
  width: number,
  height: number,
  body: string,
  series: { name: string; color: string }[],
): string {
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${width - 150}" y="${14 + i * 18}" width="12" height="12" fill="${s.color}"/>` +
        `<text x="${width - 132}" y="${24 + i * 18}" class="legend">${escape(s.name)}</text>`,
    )
    .join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(title)}" xmlns="http://www.w3.org/2000/svg">
<text x="0" y="20" class="title">${escape(title)}</text>${legend}${body}</svg>`;
}

function yAxis(
  max: number,
  top: number,
  bottom: number,
  left: number,
  right: number,
  unit: string,
): string {
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => {
    const y = bottom - f * (bottom - top);
    return `<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" class="grid"/><text x="${left - 6}" y="${y + 4}" class="tick" text-anchor="end">${format(max * f)}</text>`;
  });
  return `${ticks.join('')}<text x="14" y="${(top + bottom) / 2}" class="axis" transform="rotate(-90 14 ${(top + bottom) / 2})" text-anchor="middle">${escape(unit)}</text>`;
}

/** Groups along the x axis (`groups`), one bar per series in each. */
export function barChart(title: string, unit: string, groups: string[], series: Series[]): string {
  const [width, height, left, top, bottom] = [760, 320, 70, 70, 270];
  const right = width - 20;
  const max = niceMax(Math.max(...series.flatMap((s) => s.values)));
  const groupWidth = (right - left) / Math.max(1, groups.length);
  const barWidth = Math.min(60, (groupWidth * 0.7) / Math.max(1, series.length));
  const bars = groups.flatMap((group, g) => {
    const start = left + g * groupWidth + (groupWidth - barWidth * series.length) / 2;
    const marks = series.map((s, i) => {
      const value = s.values[g] ?? 0;
      const h = (value / max) * (bottom - top);
      const x = start + i * barWidth;
      return `<rect class="bar" x="${x}" y="${bottom - h}" width="${barWidth - 4}" height="${h}" fill="${s.color}"><title>${escape(`${s.name}, ${group}: ${format(value)} ${unit}`)}</title></rect><text x="${x + (barWidth - 4) / 2}" y="${bottom - h - 5}" class="value" text-anchor="middle">${format(value)}</text>`;
    });
    return [
      ...marks,
      `<text x="${left + g * groupWidth + groupWidth / 2}" y="${bottom + 20}" class="label" text-anchor="middle">${escape(group)}</text>`,
    ];
  });
  return frame(
    title,
    width,
    height + 10,
    yAxis(max, top, bottom, left, right, unit) + bars.join(''),
    series,
  );
}

/** One line per series over x = 0, 1, 2, ... (seconds). */
export function lineChart(title: string, unit: string, xLabel: string, series: Series[]): string {
  const [width, height, left, top, bottom] = [760, 300, 70, 70, 250];
  const right = width - 20;
  const max = niceMax(Math.max(1, ...series.flatMap((s) => s.values)));
  const points = Math.max(2, ...series.map((s) => s.values.length));
  const x = (i: number) => left + (i / (points - 1)) * (right - left);
  const lines = series.map((s) => {
    const path = s.values
      .map(
        (v, i) =>
          `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${(bottom - (v / max) * (bottom - top)).toFixed(1)}`,
      )
      .join(' ');
    return `<path class="line" d="${path}" stroke="${s.color}" fill="none"/>`;
  });
  const xTicks = [0, 0.5, 1].map(
    (f) =>
      `<text x="${x(f * (points - 1))}" y="${bottom + 18}" class="tick" text-anchor="middle">${Math.round(f * (points - 1))}</text>`,
  );
  const axisLabel = `<text x="${(left + right) / 2}" y="${bottom + 38}" class="axis" text-anchor="middle">${escape(xLabel)}</text>`;
  return frame(
    title,
    width,
    height,
    yAxis(max, top, bottom, left, right, unit) + xTicks.join('') + axisLabel + lines.join(''),
    series,
  );
}

export interface XySeries {
  name: string;
  color: string;
  points: [number, number][];
  /** Dashed, for a reference line such as the offered rate. */
  dashed?: boolean;
}

/**
 * Lines over a numeric x axis (offered rate, seconds), each point marked; `markers` draw a
 * labelled vertical line where something happened (a reload, a kill).
 */
export function xyChart(
  title: string,
  unit: string,
  xLabel: string,
  series: XySeries[],
  markers: { x: number; label: string }[] = [],
): string {
  const [width, height, left, top, bottom] = [760, 300, 70, 70, 250];
  const right = width - 20;
  const xs = series.flatMap((s) => s.points.map(([px]) => px)).concat(markers.map((m) => m.x));
  const xMax = niceMax(Math.max(1, ...xs));
  const yMax = niceMax(Math.max(1, ...series.flatMap((s) => s.points.map(([, py]) => py))));
  const x = (value: number) => left + (value / xMax) * (right - left);
  const y = (value: number) => bottom - (value / yMax) * (bottom - top);
  const lines = series.map((s) => {
    const path = s.points
      .map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`)
      .join(' ');
    const dots =
      s.points.length <= 40
        ? s.points
            .map(
              ([px, py]) =>
                `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${s.color}"><title>${escape(`${s.name}: ${format(py)} ${unit} at ${format(px)}`)}</title></circle>`,
            )
            .join('')
        : '';
    return `<path class="line" d="${path}" stroke="${s.color}" fill="none"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>${dots}`;
  });
  const marks = markers.map(
    (m) =>
      `<line x1="${x(m.x)}" x2="${x(m.x)}" y1="${top}" y2="${bottom}" stroke="#b91c1c" stroke-dasharray="4 3"/><text x="${x(m.x) + 4}" y="${top + 12}" class="label" fill="#b91c1c">${escape(m.label)}</text>`,
  );
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map(
    (f) =>
      `<text x="${x(f * xMax)}" y="${bottom + 18}" class="tick" text-anchor="middle">${format(f * xMax)}</text>`,
  );
  const axisLabel = `<text x="${(left + right) / 2}" y="${bottom + 38}" class="axis" text-anchor="middle">${escape(xLabel)}</text>`;
  return frame(
    title,
    width,
    height,
    yAxis(yMax, top, bottom, left, right, unit) +
      xTicks.join('') +
      axisLabel +
      lines.join('') +
      marks.join(''),
    series,
  );
}
