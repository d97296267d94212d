/**
 * Follows a job from the terminal until it ends: a progress line on a TTY, notable events as
 * lines, or every event as JSON lines. Ctrl-C cancels; a second Ctrl-C kills.
 */
import type { JobEvent, JobSummary } from '../../shared/model/job';
import type { JobSupervisor } from '../host/jobSupervisor';
import { ProgressLine } from './progressBar';

function describe(event: JobEvent): string | null {
  switch (event.type) {
    case 'status':
      return event.status === 'running' ? `running on backend ${event.backend ?? '?'}` : null;
    case 'log':
      return event.level === 'warn' ? `warning: ${event.message}` : null;
    case 'metric':
      return event.split === 'train' ? null : `${event.split}: loss ${event.loss.toFixed(4)}, accuracy ${(event.accuracy * 100).toFixed(2)}% (epoch ${event.epoch})`;
    case 'paused':
      return 'paused at a training step (nothing is lost; the time paused is not counted)';
    case 'continued':
      return event.pausedSec > 0 ? `continuing after a pause of ${event.pausedSec.toFixed(0)} s` : null;
    default:
      return null;
  }
}

export async function followJob(supervisor: JobSupervisor, job: JobSummary, json: boolean): Promise<JobSummary> {
  const tty = !json && process.stderr.isTTY === true;
  const progress = tty ? new ProgressLine(process.stderr) : null;
  if (!json) console.error(`experiment: ${job.dir}`);
  supervisor.subscribe(
    job.jobId,
    (events) => {
      for (const event of events) {
        if (json) {
          process.stdout.write(`${JSON.stringify(event)}\n`);
          continue;
        }
        progress?.update(event);
        const line = describe(event);
        if (line) {
          progress?.clear();
          console.error(line);
        }
      }
    },
    () => undefined,
  );
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      if (!json) console.error('\ncancelling (press Ctrl-C again to kill the job)...');
      supervisor.cancel(job.jobId);
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  try {
    return await supervisor.whenEnded(job.jobId);
  } finally {
    process.off('SIGINT', onSigint);
    progress?.clear();
  }
}
