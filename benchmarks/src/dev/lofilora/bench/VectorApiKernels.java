package dev.lofilora.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two kernels that dominate {@code process} after its other costs were removed, written with the JDK's Vector API
 * (jdk.incubator.vector, an incubator module in Java 17) in the structure of the native AVX2 bodies of
 * {@code native/lofi_dsp.h}: the true-peak search with the four ITU phases in registers, and the resampler's
 * phase-major two-channel dot products. Only {@link DspKernelBenchmark} uses them, to decide between the Vector API
 * and the native library (see native/README.md); the engine does not (it would need --add-modules everywhere).
 */
final class VectorApiKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    private VectorApiKernels() {}

    /** As DspKernels.tpPeak for exactly four phases (the ITU interpolator). */
    static float tpPeak4(float[] x, float[] bound, int b0, int b1, float best, float[] taps, int ntaps) {
        for (int b = b0; b < b1; b++) {
            if (!(bound[b] > best)) continue;
            int s = b * 16;
            FloatVector z = FloatVector.zero(S);
            FloatVector l0 = z, l1 = z, l2 = z, l3 = z, h0 = z, h1 = z, h2 = z, h3 = z;
            for (int k = 0; k < ntaps; k++) {
                FloatVector x0 = FloatVector.fromArray(S, x, s - k), x1 = FloatVector.fromArray(S, x, s + 8 - k);
                FloatVector c0 = FloatVector.broadcast(S, taps[k]), c1 = FloatVector.broadcast(S, taps[ntaps + k]);
                FloatVector c2 = FloatVector.broadcast(S, taps[2 * ntaps + k]), c3 = FloatVector.broadcast(S, taps[3 * ntaps + k]);
                l0 = x0.fma(c0, l0); h0 = x1.fma(c0, h0);
                l1 = x0.fma(c1, l1); h1 = x1.fma(c1, h1);
                l2 = x0.fma(c2, l2); h2 = x1.fma(c2, h2);
                l3 = x0.fma(c3, l3); h3 = x1.fma(c3, h3);
            }
            FloatVector m = l0.abs().max(h0.abs()).max(l1.abs()).max(h1.abs()).max(l2.abs()).max(h2.abs())
                    .max(l3.abs()).max(h3.abs());
            float v = m.reduceLanes(VectorOperators.MAX);
            if (v > best) best = v;
        }
        return best;
    }

    /** As DspKernels.resample for two channels, phase-major in chunks of whole periods like the native body. */
    static void resample2(float[] x0, float[] x1, float[] y0, float[] y1, int count, int q0, int p0, float[] bank,
                          int tapsPadded, int L, int stepDiv, int stepMod) {
        int periods = L >= 2048 ? 1 : 2048 / L, chunk = L * periods, M = stepDiv * L + stepMod;
        int q = q0, p = p0;
        for (int i0 = 0; i0 < count; i0 += chunk) {
            int n = Math.min(chunk, count - i0);
            int qj = q, pj = p;
            for (int j = 0; j < Math.min(n, L); j++) {
                int h = pj * tapsPadded;
                for (int i = i0 + j, qi = qj; i < i0 + n; i += L, qi += M) {
                    FloatVector z = FloatVector.zero(S), a0 = z, a1 = z, b0 = z, b1 = z;
                    for (int k = 0; k < tapsPadded; k += 16) {
                        FloatVector c0 = FloatVector.fromArray(S, bank, h + k), c1 = FloatVector.fromArray(S, bank, h + k + 8);
                        a0 = FloatVector.fromArray(S, x0, qi + k).fma(c0, a0);
                        b0 = FloatVector.fromArray(S, x1, qi + k).fma(c0, b0);
                        a1 = FloatVector.fromArray(S, x0, qi + k + 8).fma(c1, a1);
                        b1 = FloatVector.fromArray(S, x1, qi + k + 8).fma(c1, b1);
                    }
                    y0[i] = a0.add(a1).reduceLanes(VectorOperators.ADD);
                    y1[i] = b0.add(b1).reduceLanes(VectorOperators.ADD);
                }
                qj += stepDiv;
                pj += stepMod;
                if (pj >= L) { pj -= L; qj++; }
            }
            q += periods * M;
        }
    }
}
