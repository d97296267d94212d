/** The space registry and state helpers: configs to spaces, clear errors, duplicates. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { createSearchSpace, registerSpaceKind, spaceConfigSchema, spaceKinds } from '../../../electron/engine/space/registry';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import type { MobilenetSearchSpace } from '../../../electron/engine/space/mobilenetSpace';
import { fullState, validateState, dropOps } from '../../../electron/engine/space/spaceState';

function nasError(fn: () => unknown): NasError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NasError);
    expect((error as NasError).code).toBe('INVALID_CONFIG');
    return error as NasError;
  }
  throw new Error('expected a NasError');
}

describe('space registry', () => {
  it('builds every kind from its config', () => {
    expect(spaceKinds()).toEqual(['nb201', 'darts', 'mobilenet']);
    expect(createSearchSpace({ kind: 'nb201' })).toBe(NB201_SPACE);
    expect(createSearchSpace({ kind: 'darts' }).name).toBe('darts');
    const s5 = createSearchSpace({ kind: 'darts', variant: 's5' });
    expect(s5.name).toBe('darts-s5');
    expect(s5.choices[0]?.ops).toHaveLength(7);
    expect(createSearchSpace({ kind: 'mobilenet', preset: 'abs' }).choices).toHaveLength(21);
    expect(createSearchSpace({ kind: 'mobilenet', preset: 'fairnas' }).choices).toHaveLength(19);
    const custom = createSearchSpace({ kind: 'mobilenet', stages: [{ channels: 8, count: 3, stride: 2 }], identity: false }) as MobilenetSearchSpace;
    expect(custom.name).toBe('mobilenet-small-custom');
    expect(custom.choices.map((l) => [l.inChannels, l.outChannels, l.stride])).toEqual([[8, 8, 2], [8, 8, 1], [8, 8, 1]]);
    expect(custom.choices.every((l) => !l.ops.includes('identity'))).toBe(true);
    for (const config of [{ kind: 'nb201' }, { kind: 'darts', variant: 's5' }, { kind: 'mobilenet', preset: 'small' }]) expect(spaceConfigSchema.parse(config)).toEqual(config);
  });

  it('rejects unknown kinds and bad fields with clear errors', () => {
    const unknown = nasError(() => createSearchSpace({ kind: 'nasbench101' }));
    expect(unknown.message).toMatch(/Unknown search-space kind 'nasbench101'/);
    expect(unknown.fix).toMatch(/nb201, darts, mobilenet/);
    expect(nasError(() => createSearchSpace({})).message).toMatch(/has no kind/);
    expect(nasError(() => createSearchSpace(null)).message).toMatch(/has no kind/);
    expect(nasError(() => createSearchSpace({ kind: 'darts', variant: 's7' })).message).toMatch(/Invalid darts space config: variant/);
    expect(nasError(() => createSearchSpace({ kind: 'nb201', ops: 3 })).message).toMatch(/Invalid nb201 space config/);
    expect(nasError(() => createSearchSpace({ kind: 'mobilenet' })).message).toMatch(/needs a preset or stages/);
    expect(nasError(() => createSearchSpace({ kind: 'mobilenet', preset: 'huge' })).message).toMatch(/preset/);
    expect(nasError(() => createSearchSpace({ kind: 'mobilenet', stages: [{ channels: 8, count: 0, stride: 1 }] })).message).toMatch(/stages\.0\.count/);
  });

  it('rejects a kind registered twice', () => {
    expect(() => registerSpaceKind('nb201', z.object({}), () => NB201_SPACE)).toThrow(/already registered/);
  });
});

describe('space state checks', () => {
  it('accepts a shrunk state and rejects ones that do not fit the space', () => {
    const state = dropOps(NB201_SPACE, fullState(NB201_SPACE), 0, ['none', 'avg_pool_3x3']);
    expect(() => validateState(NB201_SPACE, state)).not.toThrow();
    expect(nasError(() => validateState(NB201_SPACE, { ...state, remaining: state.remaining.slice(1) })).message).toMatch(/5 choice points, nb201 has 6/);
    expect(nasError(() => validateState(NB201_SPACE, { ...state, remaining: [['conv'], ...state.remaining.slice(1)] })).message).toMatch(/'conv' remains at 1<-0/);
    expect(nasError(() => validateState(NB201_SPACE, { ...state, remaining: [[], ...state.remaining.slice(1)] })).message).toMatch(/No op remains at 1<-0/);
    expect(nasError(() => validateState(NB201_SPACE, { ...state, remaining: [['none', 'none'], ...state.remaining.slice(1)] })).message).toMatch(/twice at 1<-0/);
  });
});
