// lofi_dsp.h — the polyphase FIR kernels of `lofi process`, compiled through JavaCPP (dev.lofilora.audio.dsp.NativeDsp).
//
// Why native: after the pipeline's copies and passes were removed, these loops were what remained of process's time
// apart from the decoder (ProcessBenchmark, DspKernelBenchmark): the resampler's 128-tap polyphase filter and the
// two true-peak interpolators. The Java versions in dev.lofilora.audio.dsp.JavaDsp are the reference and the
// fallback; tests hold the two together.
//
// Every function has an AVX2+FMA body (chosen at run time, so the library still loads on an x86-64 without AVX2)
// and a portable body for other CPUs. Arrays come straight from the Java heap (JNI critical regions); callers keep
// each call to a bounded chunk so that the GC is never held off for long.
#ifndef LOFI_DSP_H
#define LOFI_DSP_H

#include <stdint.h>
#include <math.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LOFI_X86 1
#endif

namespace lofi_dsp_detail {

// Output block of the true-peak search, in input samples (BlockStats.BLOCK on the Java side).
static const int TP_BLOCK = 16;

static inline float maxf(float a, float b) { return a > b ? a : b; }

// ---------------------------------------------------------------------------------------------------------------
// True peak: phase p of the interpolated output at input index n is y = sum_k taps[p*ntaps + k] * x[n - k].
// Blocks b in [b0, b1) cover outputs b*16 .. b*16+15 and must lie inside the signal (b*16 >= ntaps - 1 and
// b*16 + 16 <= frames): the caller handles the edges.

static float tp_peak_generic(const float* x, const float* bound, int b0, int b1, float best, const float* taps,
                             int phases, int ntaps) {
    for (int b = b0; b < b1; b++) {
        if (!(bound[b] > best)) continue;
        const int s = b * TP_BLOCK;
        float m = 0.f;
        for (int p = 0; p < phases; p++) {
            const float* h = taps + p * ntaps;
            for (int j = 0; j < TP_BLOCK; j++) {
                float acc = 0.f;
                for (int k = 0; k < ntaps; k++) acc += h[k] * x[s + j - k];
                m = maxf(m, fabsf(acc));
            }
        }
        if (m > best) best = m;
    }
    return best;
}

static void tp_envelope_generic(const float* x, int frames, const float* bound, int b0, int b1, float threshold,
                                const float* taps, int phases, int ntaps, const int* lagFloor, float* env) {
    const int last = frames - 1;
    for (int b = b0; b < b1; b++) {
        if (!(bound[b] > threshold)) continue;
        const int s = b * TP_BLOCK;
        for (int p = 0; p < phases; p++) {
            const float* h = taps + p * ntaps;
            for (int j = 0; j < TP_BLOCK; j++) {
                float acc = 0.f;
                for (int k = 0; k < ntaps; k++) acc += h[k] * x[s + j - k];
                float v = fabsf(acc);
                if (!(v > threshold)) continue;
                int lo = s + j + lagFloor[p];
                int a = lo < 0 ? 0 : (lo > last ? last : lo);
                int c = lo + 1 < 0 ? 0 : (lo + 1 > last ? last : lo + 1);
                if (env[a] < v) env[a] = v;
                if (env[c] < v) env[c] = v;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Resampling: output m (of a run starting at window start q0 and phase p0) is sum_k bank[p*tapsPadded + k] *
// x[q + k], where the window start q and the phase p advance by (stepDiv, stepMod) per output (p wraps at L).
// Every window must lie inside the signal; the caller handles the edges.

static void resample_generic(const float* const* x, float* const* y, int channels, int count, int q0, int p0,
                             const float* bank, int tapsPadded, int L, int stepDiv, int stepMod) {
    int q = q0, p = p0;
    for (int i = 0; i < count; i++) {
        const float* h = bank + (int64_t) p * tapsPadded;
        for (int c = 0; c < channels; c++) {
            const float* a = x[c] + q;
            float acc = 0.f;
            for (int k = 0; k < tapsPadded; k++) acc += h[k] * a[k];
            y[c][i] = acc;
        }
        q += stepDiv;
        p += stepMod;
        if (p >= L) { p -= L; q++; }
    }
}

#ifdef LOFI_X86
static bool has_avx2_fma() {
    static const int ok = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
    return ok != 0;
}

__attribute__((target("avx2,fma"))) static inline float hmax8(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

__attribute__((target("avx2,fma"))) static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

// Both 8-output halves of a block and every phase in registers: 2*P independent FMA chains per tap, one pair of
// unaligned loads of x per tap shared by all phases.
template <int P>
__attribute__((target("avx2,fma"))) static inline void tp_block_avx2(const float* x, int s, const float* taps, int ntaps,
                                                                     __m256 (&lo)[4], __m256 (&hi)[4]) {
    for (int p = 0; p < P; p++) { lo[p] = _mm256_setzero_ps(); hi[p] = _mm256_setzero_ps(); }
    for (int k = 0; k < ntaps; k++) {
        const __m256 x0 = _mm256_loadu_ps(x + s - k);
        const __m256 x1 = _mm256_loadu_ps(x + s + 8 - k);
        for (int p = 0; p < P; p++) {
            const __m256 h = _mm256_broadcast_ss(taps + p * ntaps + k);
            lo[p] = _mm256_fmadd_ps(h, x0, lo[p]);
            hi[p] = _mm256_fmadd_ps(h, x1, hi[p]);
        }
    }
}

template <int P>
__attribute__((target("avx2,fma"))) static float tp_peak_avx2(const float* x, const float* bound, int b0, int b1,
                                                              float best, const float* taps, int ntaps) {
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 lo[4], hi[4];
    for (int b = b0; b < b1; b++) {
        if (!(bound[b] > best)) continue;
        tp_block_avx2<P>(x, b * TP_BLOCK, taps, ntaps, lo, hi);
        __m256 m = _mm256_setzero_ps();
        for (int p = 0; p < P; p++) {
            m = _mm256_max_ps(m, _mm256_and_ps(lo[p], absMask));
            m = _mm256_max_ps(m, _mm256_and_ps(hi[p], absMask));
        }
        const float v = hmax8(m);
        if (v > best) best = v;
    }
    return best;
}

template <int P>
__attribute__((target("avx2,fma"))) static void tp_envelope_avx2(const float* x, int frames, const float* bound, int b0,
                                                                 int b1, float threshold, const float* taps, int ntaps,
                                                                 const int* lagFloor, float* env) {
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 thr = _mm256_set1_ps(threshold);
    const int last = frames - 1;
    __m256 lo[4], hi[4];
    alignas(32) float out[8];
    for (int b = b0; b < b1; b++) {
        if (!(bound[b] > threshold)) continue;
        const int s = b * TP_BLOCK;
        tp_block_avx2<P>(x, s, taps, ntaps, lo, hi);
        for (int p = 0; p < P; p++) {
            for (int half = 0; half < 2; half++) {
                const __m256 a = _mm256_and_ps(half == 0 ? lo[p] : hi[p], absMask);
                int mask = _mm256_movemask_ps(_mm256_cmp_ps(a, thr, _CMP_GT_OQ));
                if (mask == 0) continue;
                _mm256_store_ps(out, a);
                while (mask) {
                    const int j = __builtin_ctz(mask);
                    mask &= mask - 1;
                    const float v = out[j];
                    const int at = s + half * 8 + j + lagFloor[p];
                    const int i0 = at < 0 ? 0 : (at > last ? last : at);
                    const int i1 = at + 1 < 0 ? 0 : (at + 1 > last ? last : at + 1);
                    if (env[i0] < v) env[i0] = v;
                    if (env[i1] < v) env[i1] = v;
                }
            }
        }
    }
}

// One output per channel per step; four accumulators per channel (taps padded to a multiple of 32) keep eight FMA
// chains in flight, and the filter phase is loaded once for every channel.
__attribute__((target("avx2,fma"))) static void resample_avx2(const float* const* x, float* const* y, int channels,
                                                              int count, int q0, int p0, const float* bank,
                                                              int tapsPadded, int L, int stepDiv, int stepMod) {
    int q = q0, p = p0;
    for (int i = 0; i < count; i++) {
        const float* h = bank + (int64_t) p * tapsPadded;
        int c = 0;
        for (; c + 1 < channels; c += 2) {
            const float* a = x[c] + q;
            const float* b = x[c + 1] + q;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int k = 0; k < tapsPadded; k += 32) {
                const __m256 h0 = _mm256_loadu_ps(h + k), h1 = _mm256_loadu_ps(h + k + 8);
                const __m256 h2 = _mm256_loadu_ps(h + k + 16), h3 = _mm256_loadu_ps(h + k + 24);
                a0 = _mm256_fmadd_ps(h0, _mm256_loadu_ps(a + k), a0);
                b0 = _mm256_fmadd_ps(h0, _mm256_loadu_ps(b + k), b0);
                a1 = _mm256_fmadd_ps(h1, _mm256_loadu_ps(a + k + 8), a1);
                b1 = _mm256_fmadd_ps(h1, _mm256_loadu_ps(b + k + 8), b1);
                a2 = _mm256_fmadd_ps(h2, _mm256_loadu_ps(a + k + 16), a2);
                b2 = _mm256_fmadd_ps(h2, _mm256_loadu_ps(b + k + 16), b2);
                a3 = _mm256_fmadd_ps(h3, _mm256_loadu_ps(a + k + 24), a3);
                b3 = _mm256_fmadd_ps(h3, _mm256_loadu_ps(b + k + 24), b3);
            }
            y[c][i] = hsum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
            y[c + 1][i] = hsum8(_mm256_add_ps(_mm256_add_ps(b0, b1), _mm256_add_ps(b2, b3)));
        }
        for (; c < channels; c++) {
            const float* a = x[c] + q;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < tapsPadded; k += 32) {
                a0 = _mm256_fmadd_ps(_mm256_loadu_ps(h + k), _mm256_loadu_ps(a + k), a0);
                a1 = _mm256_fmadd_ps(_mm256_loadu_ps(h + k + 8), _mm256_loadu_ps(a + k + 8), a1);
                a2 = _mm256_fmadd_ps(_mm256_loadu_ps(h + k + 16), _mm256_loadu_ps(a + k + 16), a2);
                a3 = _mm256_fmadd_ps(_mm256_loadu_ps(h + k + 24), _mm256_loadu_ps(a + k + 24), a3);
            }
            y[c][i] = hsum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        }
        q += stepDiv;
        p += stepMod;
        if (p >= L) { p -= L; q++; }
    }
}
#endif

} // namespace lofi_dsp_detail

// ----------------------------------------------------------------------------------------------- entry points (JNI)

/** 1 when the AVX2+FMA bodies run, 0 for the portable ones. */
static inline int lofi_simd_level() {
#ifdef LOFI_X86
    return lofi_dsp_detail::has_avx2_fma() ? 1 : 0;
#else
    return 0;
#endif
}

/** The largest |output| over the blocks whose bound exceeds the running best (which starts at {@code best}). */
static inline float lofi_tp_peak(const float* x, const float* bound, int b0, int b1, float best, const float* taps,
                                 int phases, int ntaps) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) {
        switch (phases) {
            case 1: return tp_peak_avx2<1>(x, bound, b0, b1, best, taps, ntaps);
            case 2: return tp_peak_avx2<2>(x, bound, b0, b1, best, taps, ntaps);
            case 3: return tp_peak_avx2<3>(x, bound, b0, b1, best, taps, ntaps);
            case 4: return tp_peak_avx2<4>(x, bound, b0, b1, best, taps, ntaps);
            default: break;
        }
    }
#endif
    return tp_peak_generic(x, bound, b0, b1, best, taps, phases, ntaps);
}

/** Raises env at the two samples either side of every |output| above threshold (see TruePeakFilter.envelope). */
static inline void lofi_tp_envelope(const float* x, int frames, const float* bound, int b0, int b1, float threshold,
                                    const float* taps, int phases, int ntaps, const int* lagFloor, float* env) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) {
        switch (phases) {
            case 1: tp_envelope_avx2<1>(x, frames, bound, b0, b1, threshold, taps, ntaps, lagFloor, env); return;
            case 2: tp_envelope_avx2<2>(x, frames, bound, b0, b1, threshold, taps, ntaps, lagFloor, env); return;
            case 3: tp_envelope_avx2<3>(x, frames, bound, b0, b1, threshold, taps, ntaps, lagFloor, env); return;
            case 4: tp_envelope_avx2<4>(x, frames, bound, b0, b1, threshold, taps, ntaps, lagFloor, env); return;
            default: break;
        }
    }
#endif
    tp_envelope_generic(x, frames, bound, b0, b1, threshold, taps, phases, ntaps, lagFloor, env);
}

/**
 * {@code count} outputs of a one- or two-channel resampler (x1/y1 null for one channel), written to y0[outOffset..],
 * y1[outOffset..]. Rows of the bank are tapsPadded long (the AVX2 body needs a multiple of 32; the caller pads).
 */
static inline void lofi_resample(const float* x0, const float* x1, float* y0, float* y1, int outOffset, int count,
                                 int q0, int p0, const float* bank, int tapsPadded, int L, int stepDiv, int stepMod) {
    using namespace lofi_dsp_detail;
    const float* xs[2] = {x0, x1};
    float* ys[2] = {y0 + outOffset, y1 != 0 ? y1 + outOffset : 0};
    const int channels = x1 != 0 ? 2 : 1;
#ifdef LOFI_X86
    if (has_avx2_fma() && tapsPadded % 32 == 0) {
        resample_avx2(xs, ys, channels, count, q0, p0, bank, tapsPadded, L, stepDiv, stepMod);
        return;
    }
#endif
    resample_generic(xs, ys, channels, count, q0, p0, bank, tapsPadded, L, stepDiv, stepMod);
}

#endif
