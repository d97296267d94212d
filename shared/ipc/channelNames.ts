/**
 * The channel names alone, without their schemas: the sandboxed preload bundles this file and
 * refuses any other channel, without shipping zod. A test checks it matches contract.ts.
 */
export const INVOKE_CHANNEL_NAMES = ['env.get', 'presets.list', 'jobs.start', 'jobs.cancel', 'jobs.pause', 'jobs.command', 'jobs.resume', 'jobs.list', 'experiments.list', 'experiments.open',
  'experiments.events', 'truth.read', 'drafts.defaults', 'drafts.validate', 'drafts.start'] as const;
export const SUBSCRIBE_CHANNEL_NAMES = ['jobs.events'] as const;

/** Electron IPC channels used by the preload bridge (all prefixed `nas:`). */
export const ELECTRON_IPC = {
  invoke: 'nas:invoke',
  subscribe: 'nas:subscribe',
  unsubscribe: 'nas:unsubscribe',
  event: 'nas:event',
  end: 'nas:end',
} as const;
