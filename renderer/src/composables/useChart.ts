/**
 * An ECharts instance bound to an element for a component's lifetime: created on mount, given
 * the option whenever it changes, resized with its container, re-created when the theme
 * changes, and disposed on unmount.
 */
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import { init, type ChartOption, type EChartsType } from './echarts';
import type { ThemeMode } from '../stores/theme';

export function useChart(
  element: Readonly<Ref<HTMLElement | null>>,
  option: Readonly<Ref<ChartOption>>,
  theme: Readonly<Ref<ThemeMode>>,
  /** `replace`: each new option replaces the last (series or axes that come and go). */
  options: { replace?: boolean } = {},
): { chart: ShallowRef<EChartsType | null> } {
  const chart = shallowRef<EChartsType | null>(null);
  let observer: ResizeObserver | null = null;

  function create(): void {
    if (!element.value) return;
    chart.value?.dispose();
    // Canvas rendering and a canvas-drawn tooltip: nothing needs inline styles, so the CSP can forbid them.
    chart.value = init(element.value, theme.value === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chart.value.setOption(option.value);
  }

  onMounted(() => {
    create();
    if (element.value && typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => chart.value?.resize());
      observer.observe(element.value);
    }
  });

  watch(option, (next) => chart.value?.setOption(next, { notMerge: options.replace ?? false, lazyUpdate: true }));
  watch(theme, create);

  onBeforeUnmount(() => {
    observer?.disconnect();
    observer = null;
    chart.value?.dispose();
    chart.value = null;
  });

  return { chart };
}
