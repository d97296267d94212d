/**
 * Pause and resume of a running job, in the same process: the user's pause request closes the
 * gate, the training loop waits at its next step boundary ({@link PauseGate.wait}), resume opens
 * it again. Nothing is saved or reloaded, so a paused-and-resumed run computes exactly what an
 * uninterrupted one computes.
 *
 * The gate also keeps the job's active clock: wall time less the time training was held.
 * Runners measure img/s, time remaining and training time with it, so a pause does not show
 * as a slow run. The hold is counted from the moment the loop actually stops (not from the
 * request): until then the job was still working.
 */

export interface PauseGateHooks {
  /** The loop has stopped at a step boundary (once per pause). */
  onHold?: () => void;
  /** The loop continues after a hold of `pausedMs` milliseconds (a resume, not a cancel). */
  onRelease?: (pausedMs: number) => void;
  /** A resume arrived before the loop reached a step boundary: nothing was held. */
  onWithdrawn?: () => void;
}

export class PauseGate {
  private requested = false;
  private holdStart: number | null = null;
  private heldMs = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly hooks: PauseGateHooks = {},
    private readonly clock: () => number = Date.now,
  ) {}

  /** True from a pause request until resume (whether or not the loop has reached its hold yet). */
  get pauseRequested(): boolean {
    return this.requested;
  }

  /** Asks the loop to stop at its next step boundary. Returns false when already paused. */
  pause(): boolean {
    if (this.requested) return false;
    this.requested = true;
    return true;
  }

  /** Lets the loop continue. Returns false when it was not paused. */
  resume(): boolean {
    if (!this.requested) return false;
    this.requested = false;
    if (this.holdStart === null) {
      this.hooks.onWithdrawn?.();
      return true;
    }
    const held = this.endHold();
    this.hooks.onRelease?.(held);
    return true;
  }

  /** Releases a held loop without a resume (a cancel): the loop sees `cancelled()` and stops. */
  release(): void {
    this.requested = false;
    if (this.holdStart !== null) this.endHold();
  }

  /**
   * Resolves at once when no pause is requested; otherwise holds until {@link resume} or
   * {@link release}. Called by training loops at each step boundary.
   */
  wait(): Promise<void> {
    if (!this.requested) return Promise.resolve();
    if (this.holdStart === null) {
      this.holdStart = this.clock();
      this.hooks.onHold?.();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Milliseconds on the job's clock: wall time less every hold (the current one included). */
  now(): number {
    const t = this.clock();
    return t - this.heldMs - (this.holdStart === null ? 0 : t - this.holdStart);
  }

  /** Total milliseconds held so far. */
  get pausedMs(): number {
    return this.heldMs + (this.holdStart === null ? 0 : this.clock() - this.holdStart);
  }

  private endHold(): number {
    const held = this.clock() - (this.holdStart as number);
    this.heldMs += held;
    this.holdStart = null;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
    return held;
  }
}
