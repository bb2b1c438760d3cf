package dev.lofilora.metrics.fad;

import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The Fréchet distance between two Gaussians, {@code ‖μ1 − μ2‖² + tr Σ1 + tr Σ2 − 2 tr √(Σ1 Σ2)}, in float64 with
 * symmetric eigendecompositions only, so it is deterministic and never complex: {@code A = Σ1^½} from
 * {@code eigh(Σ1)} (eigenvalues clamped at 0), {@code M = A Σ2 A} (symmetrised), and
 * {@code tr √(Σ1 Σ2) = Σ √max(λ_i(M), 0)}: Σ1Σ2 is similar to M, whose eigenvalues are real and ≥ 0. This replaces
 * {@code scipy.linalg.sqrtm} of the original ({@code frechet_audio_distance} {@code calculate_frechet_distance}),
 * whose complex Schur route needs an eps retry and an imaginary-part check (research: scipy#19415, fadtk#38); for
 * well-conditioned inputs the two agree to ~1e-9 relative.
 *
 * <p>A result slightly below 0 from rounding is clamped to 0. Sets smaller than the dimension give a singular
 * covariance: the distance is still finite, and a warning says it is biased.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /**
     * The distance and its parts.
     *
     * @param value       the Fréchet distance (≥ 0)
     * @param meanTerm    ‖μ1 − μ2‖²
     * @param traceSigma1 tr Σ1
     * @param traceSigma2 tr Σ2
     * @param traceSqrt   tr √(Σ1 Σ2)
     * @param warnings    human-readable notes (singular covariance, negative rounding)
     */
    public record Result(double value, double meanTerm, double traceSigma1, double traceSigma2, double traceSqrt,
                         List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    /** FAD between {@code a} and {@code b} (same dimension). */
    public static Result compute(EmbeddingStats a, EmbeddingStats b) {
        int d = a.dim();
        if (b.dim() != d) throw new IllegalArgumentException("embedding dimensions differ: " + d + " vs " + b.dim());
        List<String> warnings = new ArrayList<>();
        singularWarning("first", a, warnings);
        singularWarning("second", b, warnings);
        double meanTerm = 0, tr1 = 0, tr2 = 0;
        for (int i = 0; i < d; i++) {
            double diff = a.mu(i) - b.mu(i);
            meanTerm += diff * diff;
            tr1 += a.sigma(i, i);
            tr2 += b.sigma(i, i);
        }
        double traceSqrt = traceSqrtProduct(a, b);
        double value = meanTerm + tr1 + tr2 - 2 * traceSqrt;
        if (value < 0) {
            if (value < -1e-9 * Math.max(1, tr1 + tr2)) {
                warnings.add(String.format("rounding gave %.3e < 0; clamped to 0", value));
            }
            value = 0;
        }
        return new Result(value, meanTerm, tr1, tr2, traceSqrt, warnings);
    }

    /**
     * tr √(Σ1 Σ2) by the symmetric route described in the class comment, with LAPACK's symmetric eigensolver
     * ({@code linalg_eigh}/{@code eigvalsh} in float64): commons-math3's QL iteration fails to converge on the
     * near-singular covariances small sets give.
     */
    static double traceSqrtProduct(EmbeddingStats a, EmbeddingStats b) {
        int d = a.dim();
        try (PointerScope scope = new PointerScope()) {
            Tensor s1 = Tensors.fromDoubleArray(flat(a), d, d);
            Tensor s2 = Tensors.fromDoubleArray(flat(b), d, d);
            T_TensorTensor_T e = torch.linalg_eigh(s1);
            Tensor root = e.get0().clamp_min(new Scalar(0.0)).sqrt();       // [D] √λ
            Tensor v = e.get1();                                            // [D, D] eigenvectors as columns
            Tensor sqrt1 = v.mul(root.unsqueeze(0)).matmul(v.t());          // V·diag(√λ)·Vᵀ
            Tensor m = sqrt1.matmul(s2).matmul(sqrt1);
            m = m.add(m.t()).mul(new Scalar(0.5));                          // symmetric up to rounding; make it exact
            Tensor eig = torch.linalg_eigvalsh(m).clamp_min(new Scalar(0.0)).sqrt();
            return eig.sum().item_double();
        }
    }

    private static double[] flat(EmbeddingStats s) {
        int d = s.dim();
        double[] out = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) out[i * d + j] = s.sigma(i, j);
        return out;
    }

    private static void singularWarning(String which, EmbeddingStats s, List<String> warnings) {
        if (s.n() <= s.dim()) {
            warnings.add("the " + which + " set has " + s.n() + " embeddings for dimension " + s.dim()
                    + ": its covariance is singular (rank ≤ " + (s.n() - 1) + "), so the distance is biased; use more "
                    + "or longer clips");
        }
    }
}
