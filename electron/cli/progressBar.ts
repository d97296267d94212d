/**
 * A one-line progress display for terminals: epoch, bar, speed, time left, last metrics.
 */
import type { JobEvent } from '../../shared/model/job';

function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

export class ProgressLine {
  private last: Extract<JobEvent, { type: 'progress' }> | null = null;
  private metric: Extract<JobEvent, { type: 'metric' }> | null = null;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly width = 24) {}

  update(event: JobEvent): void {
    if (event.type === 'progress') this.last = event;
    else if (event.type === 'metric' && event.split === 'train') this.metric = event;
    else return;
    this.render();
  }

  /** Clears the line so that ordinary output can follow. */
  clear(): void {
    this.stream.write('\r\x1b[2K');
  }

  private render(): void {
    const p = this.last;
    if (!p) return;
    const fraction = p.steps > 0 ? Math.min(1, p.step / p.steps) : 0;
    const filled = Math.round(fraction * this.width);
    const bar = '#'.repeat(filled) + '.'.repeat(this.width - filled);
    const m = this.metric ? `  loss ${this.metric.loss.toFixed(3)}  acc ${(this.metric.accuracy * 100).toFixed(1)}%` : '';
    const line = `${p.phase} epoch ${p.epoch}/${p.epochs} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${p.imagesPerSec.toFixed(0)} img/s  ETA ${formatDuration(p.etaSec)}${m}`;
    this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns || 120) - 1)}`);
  }
}
