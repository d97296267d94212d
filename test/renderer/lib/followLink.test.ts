import { describe, expect, it, vi } from 'vitest';
import { followLink, type LinkClick } from '../../../renderer/src/lib/followLink';

function click(overrides: Partial<Omit<LinkClick, 'preventDefault'>> = {}): LinkClick & { preventDefault: ReturnType<typeof vi.fn> } {
  return { defaultPrevented: false, button: 0, metaKey: false, altKey: false, ctrlKey: false, shiftKey: false, ...overrides, preventDefault: vi.fn() };
}

describe('followLink', () => {
  it('takes a plain left click: prevents the page load and pushes the route', () => {
    const router = { push: vi.fn(() => Promise.resolve()) };
    const event = click();
    expect(followLink(event, router, { name: 'experiment', params: { experimentId: 'a' } })).toBe(true);
    expect(event.preventDefault).toHaveBeenCalledOnce();
    expect(router.push).toHaveBeenCalledWith({ name: 'experiment', params: { experimentId: 'a' } });
  });

  it.each([
    ['ctrl', { ctrlKey: true }],
    ['meta', { metaKey: true }],
    ['shift', { shiftKey: true }],
    ['alt', { altKey: true }],
    ['middle button', { button: 1 }],
    ['already handled', { defaultPrevented: true }],
  ])('leaves a %s click to the browser', (_what, overrides) => {
    const router = { push: vi.fn(() => Promise.resolve()) };
    const event = click(overrides);
    expect(followLink(event, router, '/x')).toBe(false);
    expect(event.preventDefault).not.toHaveBeenCalled();
    expect(router.push).not.toHaveBeenCalled();
  });
});
