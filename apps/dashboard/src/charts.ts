// Apache ECharts, only the parts drawn here: bars, their grid, tooltip, legend and the
// aria description, rendered as SVG. The whole library would be four times the bundle.
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent, type AriaComponentOption, type GridComponentOption, type LegendComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { compactMoney, integer, money } from './format.js';

use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type BarChartOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | AriaComponentOption>;

export interface MoneySeries {
  /** The currency whose cents `values` are, one per category (null where it sold nothing). */
  currency: string;
  values: Array<number | null>;
}

export interface BarsData {
  /** Along the category axis: months, product categories. */
  categories: string[];
  series: MoneySeries[];
  /** Horizontal bars: long category names stay readable on a phone. */
  horizontal?: boolean;
  /** What the chart shows, for its aria description. */
  title: string;
}

/** One chart in its container, redrawn with each answer and resized with its box. */
export class MoneyBarChart {
  private chart: EChartsType | null = null;
  private readonly resizer = new ResizeObserver(() => this.chart?.resize());

  constructor(private readonly container: HTMLElement) {
    this.resizer.observe(container);
  }

  draw({ categories, series, horizontal = false, title }: BarsData): void {
    this.chart ??= init(this.container, undefined, { renderer: 'svg' });
    const single = series.length === 1 ? series[0]!.currency : null;
    const categoryAxis = { type: 'category' as const, data: categories, axisTick: { alignWithLabel: true }, ...(horizontal ? { inverse: true, axisLabel: { width: 110, overflow: 'truncate' as const } } : {}) };
    const valueAxis = { type: 'value' as const, axisLabel: { formatter: (cents: number) => (single ? compactMoney(cents, single) : integer(cents / 100)) } };
    const option: BarChartOption = {
      aria: { enabled: true, label: { description: `${title}. The table below the chart gives every value.` } },
      animation: false,
      grid: { left: 8, right: 16, top: series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
      legend: { show: series.length > 1, top: 0 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const items = Array.isArray(params) ? params : [params];
          // The tooltip is HTML, and category names are the catalog's data: escaped.
          const header = escapeHtml(items[0]?.name ?? '');
          return [header, ...items.filter((item) => item.value !== null && item.value !== undefined).map((item) => `${item.marker as string} ${escapeHtml(money(Number(item.value), item.seriesName ?? ''))}`)].join('<br>');
        },
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series.map((s) => ({ type: 'bar', name: s.currency, data: s.values, barMaxWidth: 28 })),
    };
    this.chart.setOption(option, { notMerge: true });
  }

  /** Nothing drawn (loading, an error, an empty period): the old bars must not pass for the new answer. */
  clear(): void {
    this.chart?.dispose();
    this.chart = null;
  }
}
