/**
 * One bar chart (ECharts, only the modules it needs). Each bar can lead to the persons it counts.
 * After each render the chart writes its bars' centres (page pixels relative to the chart) into
 * `data-bars`, so end-to-end tests can click a bar where a user would.
 */
import { useEffect, useRef } from 'react';
import { BarChart as EBarChart, type BarSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([EBarChart, GridComponent, TooltipComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

export interface Bar {
  label: string;
  value: number;
  /** Shown in the tooltip after the value, e.g. 持证率 45.0% */
  note?: string;
  /** Where a click on the bar leads; none: not clickable */
  href?: string;
  /** A sub-area that has not reported: drawn as 未报, never as a zero bar */
  unreported?: boolean;
}

interface Props {
  title: string;
  testid: string;
  bars: readonly Bar[];
  horizontal?: boolean;
  unit?: string;
  height?: number;
  onBar?: (bar: Bar) => void;
}

const BLUE = '#1d4f91';
const UNREPORTED = '#b45309';

export function BarChart({ title, testid, bars, horizontal = false, unit = '人', height = 280, onBar }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const latest = useRef({ bars, onBar, horizontal });
  latest.current = { bars, onBar, horizontal };

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const c = echarts.init(node, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      const bar = latest.current.bars[p.dataIndex];
      if (bar?.href) latest.current.onBar?.(bar);
    });
    c.on('finished', () => {
      const { bars: current, horizontal: flat } = latest.current;
      const centres = current.map((b, i) => {
        const [x, y] = c.convertToPixel({ seriesIndex: 0 }, flat ? [b.value / 2, i] : [i, b.value / 2]) as number[];
        return { label: b.label, value: b.value, ...(b.unreported ? { unreported: true } : {}), x: Math.round(x ?? 0), y: Math.round(y ?? 0) };
      });
      node.dataset.bars = JSON.stringify(centres);
    });
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(node);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const labels = bars.map((b) => b.label);
    const category = { type: 'category' as const, data: labels, axisTick: { alignWithLabel: true }, inverse: horizontal, axisLabel: { interval: 0, ...(horizontal ? {} : { rotate: labels.some((l) => l.length > 4) && labels.length > 4 ? 30 : 0 }) } };
    const value = { type: 'value' as const, minInterval: 1, name: unit };
    const option: Option = {
      animation: false,
      grid: { left: 8, right: 32, top: 28, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const item = Array.isArray(p) ? p[0] : p;
          const bar = bars[item?.dataIndex ?? -1];
          if (bar?.unreported) return `${bar.label}：未报`;
          return bar ? `${bar.label}：${bar.value.toLocaleString('zh-CN')} ${unit}${bar.note ? `<br/>${bar.note}` : ''}${bar.href ? '<br/>点击查看人员' : ''}` : '';
        },
      },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [
        {
          type: 'bar',
          data: bars.map((b) => (b.unreported ? { value: 0, label: { show: true, formatter: '未报', color: UNREPORTED } } : b.value)),
          itemStyle: { color: BLUE },
          barMaxWidth: 36,
          label: { show: true, position: horizontal ? 'right' : 'top', color: '#1f2933', formatter: (p: { value: unknown }) => Number(p.value).toLocaleString('zh-CN') },
          cursor: 'pointer',
        },
      ],
    };
    c.setOption(option, { notMerge: true });
  }, [bars, horizontal, unit]);

  return (
    <section className="chart-card" aria-label={title}>
      <h2>{title}</h2>
      <div ref={el} className="chart" style={{ height }} data-testid={testid} role="img" aria-label={`${title}：${bars.map((b) => `${b.label} ${b.unreported ? '未报' : b.value}`).join('，')}`} />
    </section>
  );
}
