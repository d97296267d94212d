import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY, isTrustedRendererUrl, rendererIndexUrl, secureWebPreferences } from '../../electron/main/security';

describe('Electron security policy', () => {
  it('isolates and sandboxes the renderer without Node', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('has a CSP without inline or eval scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });

  it('trusts only its own index.html (any hash route), nothing else', () => {
    const dir = path.resolve('/opt/nas/dist/renderer');
    const index = rendererIndexUrl(dir);
    expect(isTrustedRendererUrl(index, dir, undefined)).toBe(true);
    expect(isTrustedRendererUrl(`${index}#/environment`, dir, undefined)).toBe(true);
    expect(isTrustedRendererUrl(pathToFileURL('/etc/passwd').toString(), dir, undefined)).toBe(false);
    expect(isTrustedRendererUrl(pathToFileURL(path.join(dir, 'other.html')).toString(), dir, undefined)).toBe(false);
    expect(isTrustedRendererUrl('https://example.com/', dir, undefined)).toBe(false);
    expect(isTrustedRendererUrl('not a url', dir, undefined)).toBe(false);
    // The dev server counts only when configured, and only its own origin.
    expect(isTrustedRendererUrl('http://localhost:5173/#/', dir, 'http://localhost:5173/')).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/#/', dir, 'http://localhost:5173/')).toBe(false);
  });
});
