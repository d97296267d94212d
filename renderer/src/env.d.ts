/** Globals the renderer relies on. */
import type { NasApi } from '../../shared/ipc/contract';
import type { NasBridge } from './api/electronBridge';

declare global {
  interface Window {
    /** A preload exposing the NasApi shape directly (kept for hosts that do so). */
    nas?: NasApi;
    /** The Electron preload (electron/preload/index.ts): envelope replies; absent under `nas-shrink serve`. */
    nasBridge?: NasBridge;
  }
}

export {};
