import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (eslint)', () => {
  it('keeps tfjs, electron and Node out of the renderer', async () => {
    expect(await restricted('renderer/src/x.ts', "import * as tf from '@tensorflow/tfjs';\nexport const a = tf;\n")).toHaveLength(1);
    expect(await restricted('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
    expect(await restricted('renderer/src/x.ts', "import { invokeChannels } from '../../shared/ipc/contract';\nexport const a = invokeChannels;\n")).toHaveLength(0);
  });

  it('keeps electron, vue and the host out of the engine', async () => {
    expect(await restricted('electron/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restricted('electron/engine/x.ts', "import { ref } from 'vue';\nexport const a = ref;\n")).toHaveLength(1);
    expect(await restricted('electron/engine/x.ts', "import { JobSupervisor } from '../host/jobSupervisor';\nexport const a = JobSupervisor;\n")).toHaveLength(1);
    expect(await restricted('electron/engine/x.ts', "import * as tf from '@tensorflow/tfjs';\nexport const a = tf;\n")).toHaveLength(0);
  });

  it('lets shared import nothing of ours', async () => {
    expect(await restricted('shared/x.ts', "import { jobEntry } from '../electron/host/appPaths';\nexport const a = jobEntry;\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import * as fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import { z } from 'zod';\nexport const a = z;\n")).toHaveLength(0);
  });
});
