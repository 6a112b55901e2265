// The printed table and the summary line.
import { FIGURE_KEYS } from './suite.mjs';

const MiB = 2 ** 20;

export function table(report) {
  const rows = FIGURE_KEYS.map((key) => {
    const f = report.figures[key];
    return [key, String(f.value), `${f.better === 'higher' ? '>=' : '<='} ${f.target}`, f.met ? 'met' : 'MISSED', f.detail ?? ''];
  });
  const head = ['figure', 'value', 'target', 'result', 'measured'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const m = report.machine;
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, Node ${m.node}, ${m.platform}; dialect ${report.dialect}; ${report.date}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `server RSS after scenario 5: ${report.server_rss_after_scale_bytes === null ? 'n/a' : `${(report.server_rss_after_scale_bytes / MiB).toFixed(1)} MiB`}`,
    `suite took ${report.duration_sec} s`,
  ].join('\n');
}

export function summaryLine(report) {
  return `bench: ${report.met}/${report.total} targets met`;
}
