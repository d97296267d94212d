import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, SUBSCRIBE_CHANNELS, invokeChannels } from '../../shared/ipc/contract';
import { INVOKE_CHANNEL_NAMES, SUBSCRIBE_CHANNEL_NAMES } from '../../shared/ipc/channelNames';
import { NasError, formatError, toErrorData } from '../../shared/errors';
import { JOB_EVENT_TYPES, jobEventSchema } from '../../shared/model/job';

describe('IPC contract', () => {
  it('lists the same channels for the preload as the contract declares', () => {
    expect([...INVOKE_CHANNEL_NAMES].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect([...SUBSCRIBE_CHANNEL_NAMES].sort()).toEqual([...SUBSCRIBE_CHANNELS].sort());
  });

  it('lists every event type for experiments.events', () => {
    const declared = jobEventSchema.options.map((option) => option.shape.type.value);
    expect([...JOB_EVENT_TYPES].sort()).toEqual([...declared].sort());
  });

  it('rejects a jobs.start request with a wrong type and an unknown field', () => {
    const result = invokeChannels['jobs.start'].request.safeParse({ preset: 'cnn-fashion', epochs: -1, extra: true });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.') || i.code);
    expect(paths).toContain('epochs');
    expect(result.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });

  it('turns errors into the wire shape and back', () => {
    const error = new NasError('DATASET_MISSING', 'No file x.', { fix: 'Put it there.' });
    const data = error.toData();
    expect(data).toEqual({ code: 'DATASET_MISSING', message: 'No file x.', fix: 'Put it there.' });
    expect(NasError.fromData(data).code).toBe('DATASET_MISSING');
    expect(formatError(data)).toBe('No file x. Fix: Put it there.');
    expect(toErrorData(new TypeError('boom')).code).toBe('INTERNAL');
  });
});
