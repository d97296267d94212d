/**
 * What a RouterLink does on click, for plain anchors in long lists: a left click without
 * modifier keys navigates inside the app; any other click (a modifier, another button, a
 * handler that already took it) is left to the browser, as RouterLink leaves it.
 */
import type { RouteLocationRaw, Router } from 'vue-router';

export type LinkClick = Pick<MouseEvent, 'defaultPrevented' | 'button' | 'metaKey' | 'altKey' | 'ctrlKey' | 'shiftKey' | 'preventDefault'>;

/** True when the click was taken (and the navigation started). */
export function followLink(event: LinkClick, router: Pick<Router, 'push'>, to: RouteLocationRaw): boolean {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return false;
  event.preventDefault();
  void router.push(to);
  return true;
}
