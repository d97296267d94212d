/** Saves data the renderer built (a CSV, a chart's PNG) through a temporary download link. */

/** Offers `blob` for download as `filename`. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  clickLink(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Offers a data: URL (e.g. ECharts' getDataURL) for download as `filename`. */
export function downloadDataUrl(url: string, filename: string): void {
  clickLink(url, filename);
}

/** Offers `text` as a UTF-8 CSV file. */
export function downloadCsv(text: string, filename: string): void {
  downloadBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), filename);
}

function clickLink(href: string, filename: string): void {
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** A file-name-safe version of an id: letters, digits, dot, dash and underscore. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'export';
}
