import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/**
 * Feature vectors, one row per sample, all of the same length F: what `featuresOf` returns
 * (Float64Array[]), or plain number[][] in a test.
 */
export type FeatureRows = readonly ArrayLike<number>[];

/** Mean and covariance (n-1 denominator) of a set of feature rows. */
export interface FeatureStats {
  count: number;
  mean: Float64Array;
  /** F x F, symmetric, row-major. */
  covariance: Float64Array;
}

/**
 * The mean and the unbiased covariance of `rows`. Computed on centred rows (two passes), in float64:
 * the one-pass E[xx^T] - mu mu^T loses most digits when features have a large mean and a small spread.
 * The statistics of the real data can be computed once and compared with many sample sets.
 */
export function featureStats(rows: FeatureRows, what = "features"): FeatureStats {
  const n = rows.length;
  if (n < 2) throw new RangeError(`${what}: a covariance needs at least 2 rows (got ${n})`);
  const f = rows[0].length;
  if (f < 1) throw new RangeError(`${what}: rows are empty (0 features)`);
  const mean = new Float64Array(f);
  rows.forEach((row, i) => {
    if (row.length !== f) throw new RangeError(`${what}: row ${i} has ${row.length} features, row 0 has ${f}`);
    for (let j = 0; j < f; j++) {
      const v = row[j];
      if (!Number.isFinite(v)) throw new RangeError(`${what}: row ${i}, feature ${j} is ${v}`);
      mean[j] += v;
    }
  });
  for (let j = 0; j < f; j++) mean[j] /= n;

  const covariance = new Float64Array(f * f);
  const centred = new Float64Array(f);
  for (const row of rows) {
    for (let j = 0; j < f; j++) centred[j] = row[j] - mean[j];
    for (let j = 0; j < f; j++) {
      const cj = centred[j];
      if (cj === 0) continue;
      const base = j * f;
      for (let k = j; k < f; k++) covariance[base + k] += cj * centred[k];
    }
  }
  for (let j = 0; j < f; j++) {
    for (let k = j; k < f; k++) {
      const c = covariance[j * f + k] / (n - 1);
      covariance[j * f + k] = c;
      covariance[k * f + j] = c;
    }
  }
  return { count: n, mean, covariance };
}

/**
 * The Frechet distance between Gaussians fitted to two sets of feature rows (n x F and m x F):
 * ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2}), covariances with the n-1 denominator.
 * With a classifier's penultimate features this is a dataset-specific FID (Heusel et al. 2017).
 */
export function frechetDistance(a: FeatureRows, b: FeatureRows): number {
  return frechetDistanceFromStats(featureStats(a, "first feature set"), featureStats(b, "second feature set"));
}

/** frechetDistance from precomputed statistics (e.g. the real data's, computed once per dataset). */
export function frechetDistanceFromStats(a: FeatureStats, b: FeatureStats): number {
  const f = a.mean.length;
  if (b.mean.length !== f) throw new RangeError(`feature sets differ in width: ${f} and ${b.mean.length} features`);
  let meanTerm = 0;
  let traceA = 0;
  let traceB = 0;
  for (let j = 0; j < f; j++) {
    meanTerm += (a.mean[j] - b.mean[j]) ** 2;
    traceA += a.covariance[j * f + j];
    traceB += b.covariance[j * f + j];
  }
  // Tr((S_a S_b)^{1/2}) = Tr((S_a^{1/2} S_b S_a^{1/2})^{1/2}): the same eigenvalues, but of a symmetric PSD
  // matrix, so a symmetric eigensolver applies and round-off can only push eigenvalues slightly below 0
  // (clamped), where scipy's sqrtm of the non-symmetric product returns complex parts that FID code drops.
  const sa = toMatrix(a.covariance, f);
  const sb = toMatrix(b.covariance, f);
  const rootA = symmetricSqrt(sa);
  const middle = rootA.mmul(sb).mmul(rootA);
  const traceRoot = eigenvaluesSymmetric(middle).reduce((sum, l) => sum + Math.sqrt(Math.max(l, 0)), 0);
  // Exactly 0 in exact arithmetic for identical sets; round-off must not turn that into a tiny negative.
  return Math.max(0, meanTerm + traceA + traceB - 2 * traceRoot);
}

function toMatrix(data: Float64Array, f: number): Matrix {
  const m = new Matrix(f, f);
  for (let j = 0; j < f; j++) for (let k = 0; k < f; k++) m.set(j, k, data[j * f + k]);
  return m;
}

function symmetrize(m: Matrix): Matrix {
  return m.clone().add(m.transpose()).mul(0.5);
}

function eigenvaluesSymmetric(m: Matrix): number[] {
  return new EigenvalueDecomposition(symmetrize(m), { assumeSymmetric: true }).realEigenvalues;
}

/** S^{1/2} = V diag(sqrt(max(l, 0))) V^T for a symmetric PSD S (clamping round-off negatives). */
function symmetricSqrt(s: Matrix): Matrix {
  const eig = new EigenvalueDecomposition(symmetrize(s), { assumeSymmetric: true });
  const v = eig.eigenvectorMatrix;
  const roots = eig.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0)));
  return v.mmul(Matrix.diag(roots)).mmul(v.transpose());
}
