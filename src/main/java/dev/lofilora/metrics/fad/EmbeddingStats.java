package dev.lofilora.metrics.fad;

import java.util.Arrays;

/**
 * Mean and covariance of a set of embeddings, in float64: {@code mu = mean(axis 0)}, {@code sigma = np.cov(rowvar=False)}
 * (divisor n − 1), as {@code frechet_audio_distance.calculate_embd_statistics} computes them. Immutable; arrays are
 * copied in and out.
 *
 * @param n     number of embeddings (rows)
 * @param mu    [D]
 * @param sigma [D][D], symmetric
 */
public record EmbeddingStats(long n, double[] mu, double[][] sigma) {
    public EmbeddingStats {
        if (n < 2) throw new IllegalArgumentException("statistics need at least 2 embeddings, got " + n);
        mu = mu.clone();
        sigma = copy(sigma);
        if (sigma.length != mu.length) throw new IllegalArgumentException("sigma is not D×D for D = " + mu.length);
        for (double[] row : sigma) {
            if (row.length != mu.length) throw new IllegalArgumentException("sigma is not D×D for D = " + mu.length);
        }
    }

    @Override public double[] mu() { return mu.clone(); }

    @Override public double[][] sigma() { return copy(sigma); }

    /** The embedding dimension D. */
    public int dim() { return mu.length; }

    /** mu[i] without copying the array. */
    double mu(int i) { return mu[i]; }

    /** sigma[i][j] without copying. */
    double sigma(int i, int j) { return sigma[i][j]; }

    /** Statistics of {@code rows} ([n][D], n ≥ 2). */
    public static EmbeddingStats of(float[][] rows) {
        Accumulator a = new Accumulator(rows[0].length);
        for (float[] r : rows) a.add(r);
        return a.stats();
    }

    /** Statistics of the rows {@code rows[idx[k]]} (a resample, with repeats allowed). */
    static EmbeddingStats ofRows(float[][] rows, int[] idx) {
        Accumulator a = new Accumulator(rows[0].length);
        for (int i : idx) a.add(rows[i]);
        return a.stats();
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) c[i] = m[i].clone();
        return c;
    }

    /**
     * Streams embeddings into running float64 statistics (Welford's update of the mean and co-moment matrix, so the
     * rows need not be kept), and merges partial results (Chan et al.'s pairwise rule), as fadtk accumulates its
     * reference statistics. Not thread-safe.
     */
    public static final class Accumulator {
        private final int dim;
        private final double[] mean;
        private final double[][] comoment; // upper triangle used; mirrored in stats()
        private final double[] delta;
        private long n;

        public Accumulator(int dim) {
            if (dim < 1) throw new IllegalArgumentException("dimension must be positive");
            this.dim = dim;
            this.mean = new double[dim];
            this.comoment = new double[dim][dim];
            this.delta = new double[dim];
        }

        /** Adds one embedding of length D. */
        public void add(float[] x) {
            if (x.length != dim) throw new IllegalArgumentException("embedding of length " + x.length + ", expected " + dim);
            n++;
            for (int i = 0; i < dim; i++) {
                delta[i] = x[i] - mean[i];
                mean[i] += delta[i] / n;
            }
            // C += delta ⊗ (x − mean_new)
            for (int i = 0; i < dim; i++) {
                double di = delta[i];
                double[] row = comoment[i];
                for (int j = i; j < dim; j++) row[j] += di * (x[j] - mean[j]);
            }
        }

        /** Merges another accumulator's rows into this one. */
        public void merge(Accumulator o) {
            if (o.dim != dim) throw new IllegalArgumentException("dimensions differ: " + dim + " vs " + o.dim);
            if (o.n == 0) return;
            long total = n + o.n;
            double[] d = new double[dim];
            for (int i = 0; i < dim; i++) d[i] = o.mean[i] - mean[i];
            double f = (double) n * o.n / total;
            for (int i = 0; i < dim; i++) {
                for (int j = i; j < dim; j++) comoment[i][j] += o.comoment[i][j] + d[i] * d[j] * f;
            }
            for (int i = 0; i < dim; i++) mean[i] += d[i] * o.n / total;
            n = total;
        }

        public long count() { return n; }

        /** The statistics so far (needs 2 rows). */
        public EmbeddingStats stats() {
            double[][] s = new double[dim][dim];
            for (int i = 0; i < dim; i++) {
                for (int j = i; j < dim; j++) {
                    double v = comoment[i][j] / (n - 1);
                    s[i][j] = v;
                    s[j][i] = v;
                }
            }
            return new EmbeddingStats(n, Arrays.copyOf(mean, dim), s);
        }
    }
}
