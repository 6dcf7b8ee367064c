/**
 * The charts of the four experiments: the capacity search as throughput and p95 against the
 * offered rate, and the deploy and crash as answered and failed requests over time with the
 * moment of the reload or the kill marked on them.
 */
import { capacityBudgetsMs } from './capacity-budgets.ts';
import { targetColor } from './report-figures.ts';
import type { Comparison, EventTimeline } from './results.ts';
import { xyChart, type XySeries } from './svg-charts.ts';

const failedColor = '#b91c1c';

function capacityCharts(comparison: Comparison): string[] {
  const targets = Object.keys(comparison.capacity_search);
  return (['hello', 'mixed'] as const).flatMap((scenario) => {
    const stepsOf = (target: string) =>
      [...(comparison.capacity_search[target]?.[scenario].steps ?? [])].sort(
        (a, b) => a.offered_rps - b.offered_rps,
      );
    const top = Math.max(1, ...targets.flatMap((t) => stepsOf(t).map((s) => s.offered_rps)));
    const label = scenario === 'hello' ? 'GET /hello/' : 'mixed';
    const achieved: XySeries[] = targets.map((target, i) => ({
      name: target,
      color: targetColor(target, i),
      points: stepsOf(target).map((s) => [s.offered_rps, s.achieved_rps]),
    }));
    const latency: XySeries[] = targets.map((target, i) => ({
      name: target,
      color: targetColor(target, i),
      points: stepsOf(target).map((s) => [s.offered_rps, s.p95_ms]),
    }));
    return [
      xyChart(`Capacity search, ${label}: served against offered rate`, 'req/s', 'offered req/s', [
        ...achieved,
        {
          name: 'offered',
          color: '#9ca3af',
          points: [
            [0, 0],
            [top, top],
          ],
          dashed: true,
        },
      ]),
      xyChart(
        `Capacity search, ${label}: p95 latency against offered rate`,
        'ms',
        'offered req/s',
        [
          ...latency,
          {
            name: `budget ${capacityBudgetsMs[scenario]} ms`,
            color: '#9ca3af',
            points: [
              [0, capacityBudgetsMs[scenario]],
              [top, capacityBudgetsMs[scenario]],
            ],
            dashed: true,
          },
        ],
      ),
    ];
  });
}

/** Requests per second over the run, answered and failed, from 250 ms buckets. */
function timelineChart(
  title: string,
  target: string,
  index: number,
  timeline: EventTimeline,
): string {
  const perSecond = (pick: (b: { ok: number; failed: number }) => number): [number, number][] =>
    timeline.buckets.map((b) => [b.t_ms / 1000, pick(b) * 4]);
  return xyChart(
    title,
    'req/s',
    'seconds',
    [
      {
        name: `${target}: answered`,
        color: targetColor(target, index),
        points: perSecond((b) => b.ok),
      },
      { name: `${target}: failed`, color: failedColor, points: perSecond((b) => b.failed) },
    ],
    [{ x: timeline.event_ms / 1000, label: timeline.event }],
  );
}

function eventCharts(comparison: Comparison): string[] {
  const charts: string[] = [];
  const experiments: [string, Record<string, { timeline: EventTimeline }>][] = [
    ['Deploy under load', comparison.deploy],
    ['Crash under load', comparison.crash],
  ];
  for (const [experiment, figures] of experiments) {
    Object.entries(figures).forEach(([target, f], i) => {
      charts.push(timelineChart(`${experiment}, ${target}`, target, i, f.timeline));
    });
  }
  return charts;
}

export const experimentCharts = (comparison: Comparison): string =>
  [...capacityCharts(comparison), ...eventCharts(comparison)].join('\n');
