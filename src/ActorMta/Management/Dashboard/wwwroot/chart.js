// A small line chart of per-second rates, drawn by hand on a <canvas> (no library, nothing fetched).
export const SERIES = [
  { key: 'accepted', color: '#2a6fdb' },
  { key: 'delivered', color: '#1e9e58' },
  { key: 'deferred', color: '#d99a00' },
  { key: 'bounced', color: '#d2413a' },
];

export function drawChart(canvas, points) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const left = 44, right = 8, top = 8, bottom = 20;
  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  const max = niceCeiling(Math.max(1, ...points.flatMap(p => SERIES.map(s => p[s.key]))));
  const span = 120; // points kept: one per snapshot
  const x = i => left + plotWidth * (i + span - points.length) / (span - 1);
  const y = v => top + plotHeight * (1 - v / max);

  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#6b7480';
  g.strokeStyle = '#e4e7eb';
  g.lineWidth = 1;
  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction;
    g.beginPath();
    g.moveTo(left, y(value));
    g.lineTo(width - right, y(value));
    g.stroke();
    g.fillText(format(value), 4, y(value) + 4);
  }
  g.fillText('msg/s, last ' + span + ' updates', left, height - 5);

  g.lineWidth = 2;
  for (const series of SERIES) {
    g.strokeStyle = series.color;
    g.beginPath();
    points.forEach((p, i) => (i === 0 ? g.moveTo(x(i), y(p[series.key])) : g.lineTo(x(i), y(p[series.key]))));
    g.stroke();
  }
}

function niceCeiling(value) {
  const step = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map(m => m * step).find(n => n >= value);
}

function format(value) {
  return value >= 100 ? Math.round(value).toString() : value.toFixed(value >= 10 ? 0 : 1);
}
