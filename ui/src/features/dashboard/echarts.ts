// ECharts, imported modularly: only the bar chart, grid, tooltip, legend and canvas renderer are
// bundled. No eval or inline scripts, so the app's strict CSP is fine with it.

import { use } from 'echarts/core';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';

use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { init } from 'echarts/core';
export type { ECharts } from 'echarts/core';

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;
