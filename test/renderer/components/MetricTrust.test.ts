/** The metric-trust card: tau and rho per metric, the shrink metric marked, a warning when it does not rank. */
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import MetricTrust from '../../../renderer/src/components/abs/MetricTrust.vue';
import type { TauRecord } from '../../../shared/model/tau';

function record(checkpoint: string, taus: Record<string, number | null>): TauRecord {
  return {
    checkpoint,
    truth: '/runs/truth/ground-truth.csv',
    computed: '2026-12-01T21:00:00.000Z',
    results: Object.entries(taus).map(([metric, kendallTau]) => ({ metric, kendallTau, spearmanRho: kendallTau === null ? null : kendallTau * 1.4, n: 30 })),
    verdict: 'from the CLI',
  };
}

const absConfig = (metric: string) => ({ method: 'abs', abs: { metric, policy: { kind: 'global', count: 20 }, targetSize: 1000 } });

describe('MetricTrust', () => {
  it('warns when the metric the shrinking used ranks below tau 0.3 and names one that ranks', () => {
    const wrapper = mount(MetricTrust, { props: { tau: [record('shrink-1', { angle: -0.316, 'angle-cells': 0.411, magnitude: 0.12 })], config: absConfig('angle') } });
    const warning = wrapper.get('[data-testid="trust-warning"]');
    expect(warning.attributes('role')).toBe('alert');
    expect(warning.text()).toContain('The shrinking ranked operators by angle, which does not rank these architectures (Kendall tau -0.32 < 0.3 at shrink-1, 30 architectures)');
    expect(warning.text()).toContain('angle-cells ranks them (tau 0.41): shrink with it instead.');
    // Rows best first, with tau and rho; the shrink metric marked.
    const rows = wrapper.findAll('[data-testid="trust-row"]');
    expect(rows.map((r) => r.attributes('data-metric'))).toEqual(['angle-cells', 'magnitude', 'angle']);
    expect(rows.map((r) => r.attributes('data-trusted'))).toEqual(['true', 'false', 'false']);
    expect(rows[2]!.findAll('td').map((td) => td.text())).toEqual(['angleused for shrinking', '-0.3160', '-0.4424', '30']);
    expect(wrapper.findAll('[data-testid="trust-used"]')).toHaveLength(1);
    expect(wrapper.text()).toContain('vs ground-truth.csv');
  });

  it('says the shrink metric ranks when its tau reaches 0.3, one block per checkpoint', () => {
    const wrapper = mount(MetricTrust, {
      props: { tau: [record('epoch-1', { 'angle-cells': 0.425, angle: -0.29 }), record('shrink-1', { 'angle-cells': 0.3, angle: -0.3 })], config: absConfig('angle-cells') },
    });
    expect(wrapper.findAll('[data-testid="trust-record"]').map((r) => r.attributes('data-checkpoint'))).toEqual(['epoch-1', 'shrink-1']);
    expect(wrapper.find('[data-testid="trust-warning"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="trust-ok"]').map((p) => p.text())).toEqual([
      'angle-cells, the metric of the shrinking, ranks these architectures (tau 0.4250).',
      'angle-cells, the metric of the shrinking, ranks these architectures (tau 0.3000).',
    ]);
  });

  it('treats an undefined tau as not ranking, and says so when no metric ranks', () => {
    const wrapper = mount(MetricTrust, { props: { tau: [record('shrink-1', { accuracy: null, angle: 0.1 })], config: absConfig('accuracy') } });
    const text = wrapper.get('[data-testid="trust-warning"]').text();
    expect(text).toContain('by accuracy, which does not rank these architectures (Kendall tau undefined < 0.3');
    expect(text).toContain('No metric reaches tau 0.3 here.');
    expect(wrapper.findAll('[data-testid="trust-row"]').map((r) => r.attributes('data-metric'))).toEqual(['angle', 'accuracy']);
  });

  it('shows nothing without records, and no warning for a run without a shrink metric', () => {
    expect(mount(MetricTrust, { props: { tau: [], config: absConfig('angle') } }).find('[data-testid="metric-trust"]').exists()).toBe(false);
    const wrapper = mount(MetricTrust, { props: { tau: [record('last', { angle: 0.05 })], config: { method: 'supernet' } } });
    expect(wrapper.find('[data-testid="trust-warning"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="trust-used"]').exists()).toBe(false);
  });
});
