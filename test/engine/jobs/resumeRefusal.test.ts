import { describe, expect, it } from 'vitest';
import { resumeRefusal } from '../../../electron/engine/jobs/resumeSupport';

describe('resumeRefusal', () => {
  it('lets gm (GM+RSPS, GM+DARTS, few-shot, one-shot), ABS, supernet and ground-truth runs resume', () => {
    for (const method of ['gm', 'abs', 'supernet', 'ground-truth'] as const) expect(resumeRefusal(method), method).toBeNull();
  });

  it('refuses methods without resume support by name', () => {
    expect(resumeRefusal('cnn')).toBe('experiments of method cnn cannot be resumed');
    expect(resumeRefusal('standalone')).toBe('experiments of method standalone cannot be resumed');
  });
});
