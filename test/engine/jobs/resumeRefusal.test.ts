import { describe, expect, it } from 'vitest';
import { resumeRefusal } from '../../../electron/engine/jobs/resumeSupport';

describe('resumeRefusal', () => {
  it('lets GM+RSPS, ABS and supernet runs resume and refuses GM+DARTS and cnn runs by name', () => {
    expect(resumeRefusal('gm', 'rsps')).toBeNull();
    expect(resumeRefusal('gm', undefined)).toBeNull();
    expect(resumeRefusal('abs', undefined)).toBeNull();
    expect(resumeRefusal('supernet', undefined)).toBeNull();
    expect(resumeRefusal('gm', 'darts')).toMatch(/GM\+DARTS runs \(gm\.search darts\) cannot be resumed yet/);
    expect(resumeRefusal('cnn', undefined)).toBe('experiments of method cnn cannot be resumed');
  });
});
