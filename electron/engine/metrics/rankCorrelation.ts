/**
 * Rank correlations for the engine and the CLI: the math lives in shared/ (pure TS, no
 * dependencies) so that the renderer's ground-truth scatter computes exactly what `nas-shrink tau` does.
 */
export { averageRanks, kendallTau, pearson, spearmanRho } from '../../../shared/model/rankCorrelation';
