/** Small formatters shared by the views; plain functions, no Vue. */
import type { BackendName } from '../../../shared/model/environment';

const BACKEND_NOTES: Record<BackendName, string> = {
  'tfjs-node-gpu': 'CUDA GPU',
  'tfjs-node': 'native TensorFlow, CPU',
  wasm: 'WebAssembly',
  cpu: 'pure JS',
};

/** What a backend is: "pure JS", "CUDA GPU", …; empty for unknown names. */
export function backendNote(name: string): string {
  return (BACKEND_NOTES as Record<string, string>)[name] ?? '';
}

/** "cpu (pure JS)", "tfjs-node-gpu (CUDA GPU)", …; unknown names pass through. */
export function backendLabel(name: string): string {
  const note = backendNote(name);
  return note ? `${name} (${note})` : name;
}

/** "45 s", "3 min 20 s", "2 h 05 min"; "—" when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Memory in MB as "15.6 GB" or "512 MB". */
export function formatMemory(megabytes: number): string {
  return megabytes >= 1024 ? `${(megabytes / 1024).toFixed(1)} GB` : `${Math.round(megabytes)} MB`;
}

/** A local date and time, e.g. "2025-06-01 14:03". */
export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An accuracy in [0, 1] as "91.3 %"; "—" when unknown. */
export function formatAccuracy(accuracy: number | null | undefined): string {
  return accuracy === null || accuracy === undefined || !Number.isFinite(accuracy) ? '—' : `${(accuracy * 100).toFixed(1)} %`;
}

/** Images per second with sensible precision. */
export function formatRate(imagesPerSec: number): string {
  return imagesPerSec >= 100 ? `${Math.round(imagesPerSec)} img/s` : `${imagesPerSec.toFixed(1)} img/s`;
}

/** An operator score with 4 significant digits ("0.008273", "12.35"); "—" when unknown. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—';
  return Math.abs(score) >= 1000 || (score !== 0 && Math.abs(score) < 1e-4) ? score.toExponential(3) : score.toPrecision(4);
}

/** A whole count with thousands separators ("15,625"). */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
