import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setApi } from '../../../renderer/src/api';
import { ApiError } from '../../../renderer/src/api/apiError';
import { experimentIdOf, useExperimentDetailStore } from '../../../renderer/src/stores/experimentDetail';
import { useJobsStore } from '../../../renderer/src/stores/jobs';
import { shrinkSteps, spaceChoices, spaceEvents, unanswered } from '../../../renderer/src/lib/absView';
import { buildSpaceTree } from '../../../renderer/src/lib/spaceTree';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary } from '../fixtures/jobs';
import { absDetail, commandEvent, stepOne } from '../fixtures/abs';

describe('useExperimentDetailStore', () => {
  let api: FakeApi;

  beforeEach(() => {
    setActivePinia(createPinia());
    api = new FakeApi().on('experiments.open', ({ id }) => absDetail({ id }));
    setApi(api);
  });

  it('opens a folder: curves, shrink steps and commands from its events, space.json and results.json parsed', async () => {
    const store = useExperimentDetailStore();
    await store.open('abs1');
    expect(api.calls).toEqual([{ channel: 'experiments.open', request: { id: 'abs1' } }]);
    const entry = store.opened.abs1!;
    expect(entry.error).toBeNull();
    expect(entry.detail?.skippedLines).toEqual([12]);
    expect(entry.timeline.status).toBe('finished');
    expect(entry.timeline.metrics.train?.loss.points()).toEqual([[0.5, 2.2]]);
    expect(entry.timeline.metrics.val?.accuracy.points()).toEqual([[1, 0.25]]);
    expect(entry.timeline.shrinks.map((s) => s.step)).toEqual([1]);
    expect(entry.timeline.commands.map((c) => c.command.key)).toEqual(['a:x', 'b:y']);
    expect(entry.timeline.result).toEqual({ finalSize: 2 });
    expect(entry.space).toMatchObject({ space: 'tiny', locked: ['a:x'], size: 2 });
    expect(entry.space?.choices.map((c) => c.id)).toEqual(['a', 'b']);
    // The malformed best entry is left out; the rest is kept.
    expect(entry.results?.best.map((b) => b.architecture)).toEqual(['a=x|b=x']);
    expect(entry.results?.search?.generations).toHaveLength(1);

    const tree = buildSpaceTree(spaceChoices(entry.space, shrinkSteps(entry.timeline, entry.results)), spaceEvents(entry.timeline, entry.results));
    expect(tree.size).toBe(2);
    expect(tree.edges[1]!.ops.map((op) => op.state)).toEqual(['alive', 'force-dropped']);
  });

  it('falls back to results.json steps when the events lost them, and rebuilds edges from the scores', async () => {
    api.on('experiments.open', () =>
      absDetail({ events: [], space: null, results: { metric: 'angle', steps: [{ ...stepOne(0), seq: undefined, time: undefined, remaining: undefined }] } }),
    );
    const store = useExperimentDetailStore();
    await store.open('abs1');
    const entry = store.opened.abs1!;
    expect(entry.timeline.status).toBe('finished'); // from the record when no status event was read
    const steps = shrinkSteps(entry.timeline, entry.results);
    expect(steps.map((s) => s.step)).toEqual([1]);
    const choices = spaceChoices(entry.space, steps);
    expect(choices).toEqual([
      { id: 'a', label: 'edge a', ops: ['x', 'y', 'z'] },
      { id: 'b', label: 'edge b', ops: ['x', 'y'] },
    ]);
    expect(buildSpaceTree(choices, spaceEvents(entry.timeline, entry.results)).size).toBe(2);
  });

  it('keeps the error of a folder that cannot be opened', async () => {
    api.on('experiments.open', () => {
      throw new ApiError('STORE_IO', 'No experiment folder nope.', { fix: 'Pick one from the list.' });
    });
    const store = useExperimentDetailStore();
    await store.open('nope');
    expect(store.opened.nope).toMatchObject({ loading: false, detail: null, error: { code: 'STORE_IO', fix: 'Pick one from the list.' } });
  });

  it('sends a command, shows it as sending until the live `command` event answers it, then folds the shrink step', async () => {
    api.on('jobs.command', ({ jobId }) => jobSummary(jobId, 'running'));
    const jobs = useJobsStore();
    const store = useExperimentDetailStore();
    jobs.follow('j1');
    const live = api.subscriptions[0]!;
    live.emit([commandEvent(0, 'lock', 'a:y')]);

    await store.sendCommand('j1', { kind: 'force-drop', key: 'b:y' });
    expect(api.calls.at(-1)).toEqual({ channel: 'jobs.command', request: { jobId: 'j1', command: { kind: 'force-drop', key: 'b:y' } } });
    const timeline = jobs.timelineOf('j1');
    expect(unanswered(store.sent.j1!, timeline.commands)).toEqual(new Map([['b:y', 'force-drop']]));

    live.emit([commandEvent(1, 'force-drop', 'b:y', true, 'b:y will be dropped at the next shrink step.')]);
    expect(unanswered(store.sent.j1!, timeline.commands).size).toBe(0);
    const choices = spaceChoices(null, [stepOne(9)]);
    let tree = buildSpaceTree(choices, spaceEvents(timeline, null));
    expect(tree.edges[1]!.ops[1]).toMatchObject({ pending: 'force-drop', ack: { accepted: true, message: 'b:y will be dropped at the next shrink step.' } });
    expect(tree.size).toBe(3);

    live.emit([stepOne(2)]);
    tree = buildSpaceTree(choices, spaceEvents(timeline, null));
    expect(tree.edges[1]!.ops[1]).toMatchObject({ state: 'force-dropped', pending: null, ack: null });
    expect(tree.size).toBe(2);
  });

  it('keeps a failed jobs.command request as an error on that operator, not as sending', async () => {
    api.on('jobs.command', () => {
      throw new ApiError('UNKNOWN_JOB', 'The job has ended.', { fix: 'Commands only reach running jobs.' });
    });
    const store = useExperimentDetailStore();
    await store.sendCommand('j1', { kind: 'lock', key: 'a:x' });
    expect(store.sent.j1).toEqual({});
    expect(store.sendErrors.j1?.['a:x']).toMatchObject({ code: 'UNKNOWN_JOB', message: 'The job has ended.' });
  });

  it('names an experiment by its folder', () => {
    expect(experimentIdOf('/tmp/runs/abs-full')).toBe('abs-full');
    expect(experimentIdOf('C:\\runs\\abs1\\')).toBe('abs1');
  });
});
