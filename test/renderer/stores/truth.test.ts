import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setApi } from '../../../renderer/src/api';
import { ApiError } from '../../../renderer/src/api/apiError';
import { useTruthStore } from '../../../renderer/src/stores/truth';
import { FakeApi } from '../helpers/fakeApi';

describe('useTruthStore', () => {
  let api: FakeApi;
  beforeEach(() => {
    setActivePinia(createPinia());
    api = new FakeApi().on('truth.read', ({ source }) => {
      if (source.kind === 'file') throw new ApiError('INVALID_PAYLOAD', `${source.path} is not a .csv file.`, { fix: 'Give a CSV table.' });
      return { label: `ground-truth experiment ${source.id}`, file: `/ws/${source.id}/ground-truth.csv`, valueColumn: 'testAccuracy', rows: [{ architecture: 'a', accuracy: 0.8 }] };
    });
    setApi(api);
  });

  it('loads a table through truth.read, and keeps the error of a refused one', async () => {
    const store = useTruthStore();
    await store.load({ kind: 'experiment', id: 't1' });
    expect(api.calls).toEqual([{ channel: 'truth.read', request: { source: { kind: 'experiment', id: 't1' } } }]);
    expect(store.byArchitecture.get('a')).toBe(0.8);
    expect(store.table?.label).toBe('ground-truth experiment t1');
    await store.load({ kind: 'file', path: '/etc/passwd' });
    expect(store.table).toBeNull();
    expect(store.error).toMatchObject({ code: 'INVALID_PAYLOAD', message: '/etc/passwd is not a .csv file.' });
    expect(store.loading).toBe(false);
  });
});
