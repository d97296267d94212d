/**
 * The parts of ECharts the app uses, registered once. Importing from here (not from 'echarts')
 * keeps the bundle to line charts on canvas.
 */
import { use, init, type EChartsType } from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';

use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Options accepted by the registered components. */
export type ChartOption = ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export { init, type EChartsType };
