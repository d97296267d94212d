/**
 * `nas-shrink resume DIR`: continues an experiment that was killed, crashed, failed or was
 * cancelled, from its newest valid checkpoint, in a new job process; then follows it like run.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultWorkspace } from '../../host/appPaths';
import { createNodeHost } from '../../host/nodeHost';
import { UsageError } from '../cliError';
import { followJob } from '../followJob';
import { backendOption, FOLLOW_OPTIONS } from '../jobOptions';
import { reportEnd } from './run';

export const RESUME_HELP = `Usage: nas-shrink resume DIR [options]

Continues an interrupted experiment (killed with kill -9, crashed, failed or cancelled) from
its newest valid checkpoint: weights, optimizer state, RNG and sampler states, data order, LR
schedule position and the method's own state (ABS: space state, shrink history, your locks and
force-drops; GM: the sub-supernet tree, split decisions, searched leaves and finished halving
trainings) are restored, so the run continues as if it had never stopped; the work since that
checkpoint (at most one epoch, one split decision, one leaf search or one halving training) is
done again. events.jsonl continues with a 'resumed' event naming the checkpoint: the
interrupted run's events after it stay in the file, and every viewer (the app, show, the CSV
exports) leaves them out, so each step appears once; experiment.json goes back to running, then
to how the run ends. Damaged checkpoints are skipped with a warning. Methods: supernet, abs, gm
(GM-NAS, few-shot, one-shot), ground-truth (keeps its finished rows).

The directory is locked while a job writes it (DIR/job.lock: pid, host, start time). A lock
whose process is gone (kill -9) is taken over with a warning; a live one is refused with its
pid.

Options:
  --backend NAME   auto (default), tfjs-node-gpu, tfjs-node, wasm or cpu
  --json           print every event as one JSON line on stdout

Exit codes: 0 finished, 1 failed or refused, 2 usage error, 130 cancelled.`;

export async function resumeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: FOLLOW_OPTIONS,
  });
  if (values.help) {
    console.log(RESUME_HELP);
    return 0;
  }
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError('resume takes exactly one experiment directory, e.g. `nas-shrink resume experiments/<name>`.');
  const backend = backendOption(values.backend);
  const host = createNodeHost({ workspace: defaultWorkspace(), host: 'cli' });
  const job = host.supervisor.resume({ dir: path.resolve(dir), backend });
  const json = values.json === true;
  return reportEnd(await followJob(host.supervisor, job, json), json);
}
