/**
 * Random search with weight sharing (RSPS, Li & Talwalkar 2019), the final search of GM-NAS on
 * each sub-supernet (ALGORITHMS.md B6, `rsws_project`): `count` distinct random architectures of
 * the space state are scored, and the best `topK` kept (RSPS keeps the best one).
 *
 * Draws come from the uniform sampler (NB201: live output), are redrawn when outside the state,
 * invalid or already evaluated, and the search ends early when `maxTries` draws in a row find
 * nothing new (a state smaller than `count`).
 */
import { NasError } from '../../../shared/errors';
import { z } from 'zod';
import { parseStrategyConfig, randomConfigSchema, type RandomConfig } from './searchConfig';
import { Strategy, type StrategyDeps } from './strategy';

const randomDataSchema = z.object({ exhausted: z.boolean() });

/** RSPS-style random search over a space state; see the module comment. */
export class RandomSearch extends Strategy<RandomConfig> {
  /** True once the state ran out of new architectures. */
  private exhausted = false;

  /**
   * @param config a random search config; missing fields take the B6 defaults.
   * @throws NasError INVALID_CONFIG naming the bad field, or when the state does not fit the space.
   */
  constructor(config: unknown = {}, deps: StrategyDeps) {
    super(parseStrategyConfig('random', randomConfigSchema, { name: 'random', ...(config as object) }), deps);
  }

  get budget(): number {
    return this.config.count;
  }

  protected async _run(): Promise<boolean> {
    while (!this.exhausted && this.evaluated.length < this.config.count) {
      if (this.stopRequested()) return false;
      const arch = this.drawNew(new Set(), this.config.maxTries);
      if (!arch) {
        this.exhausted = true;
        break;
      }
      await this.evaluate(arch, 0);
    }
    return true;
  }

  protected saveData(): z.infer<typeof randomDataSchema> {
    return { exhausted: this.exhausted };
  }

  protected loadData(data: unknown): void {
    const parsed = randomDataSchema.safeParse(data);
    if (!parsed.success) throw new NasError('INVALID_CONFIG', 'Malformed saved random search: the data does not parse.', { fix: 'Resume from a file written by saveState().' });
    this.exhausted = parsed.data.exhausted;
  }
}
