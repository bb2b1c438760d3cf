// lofi_qc.h — the fused statistics pass of the quality checks (dev.lofilora.audio.qc.ChannelStats), compiled through
// JavaCPP with lofi_dsp.h (dev.lofilora.audio.dsp.NativeDsp).
//
// Why native: after the resampler was sped up, the checks were ~20 % of `process`'s time per file, nearly all of it
// one read of every sample (sums for DC and correlation, silence-frame energies, clipping runs); the JIT keeps that
// loop scalar (it does not vectorise float reductions), AVX2 reads 8 samples per instruction. The Java reference and
// fallback is dev.lofilora.audio.dsp.JavaDsp.qcStats; DspKernelsTest holds the two together.
#ifndef LOFI_QC_H
#define LOFI_QC_H

#include <stdint.h>
#include <math.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LOFI_QC_X86 1
#endif

namespace lofi_qc_detail {

// Samples per chunk: one float partial sum per chunk (then double), one clipping pre-check (JavaDsp.QC_CHUNK).
static const int QC_CHUNK = 64;

static inline float bits_float(int32_t b) { float f; memcpy(&f, &b, 4); return f; }
static inline int32_t float_bits(float f) { int32_t b; memcpy(&b, &f, 4); return b; }

struct ClipState {
    int events, run, minRun;
    float prev, level;
    // one sample of the clipping-run scan: runs of >= minRun identical samples at |x| >= level (NaN ends a run)
    inline void step(float v) {
        if (fabsf(v) >= level) {
            if (!(v == prev)) {
                if (run >= minRun) events++;
                run = 0;
            }
            run++;
            prev = v;
        } else if (run > 0) {
            end();
        }
    }
    inline void end() {
        if (run >= minRun) events++;
        run = 0;
        prev = bits_float(0x7fc00000);
    }
};

// The Java reference's arithmetic: four float accumulators per chunk, added in double.
static void qc_stats_generic(const float* x, const float* p, int n, int f0, int f1, int frame, ClipState& cs,
                             double* sums, double* fe) {
    const int32_t levelBits = float_bits(cs.level);
    double sm = 0, sq = 0, cr = 0;
    for (int f = f0; f < f1; f++) {
        int i = f * frame;
        const int e = n - i < frame ? n : i + frame;
        double fq = 0;
        for (; i + QC_CHUNK <= e; i += QC_CHUNK) {
            float s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0}, c[4] = {0, 0, 0, 0};
            int32_t m = 0;
            for (int j = i; j < i + QC_CHUNK; j += 4) {
                for (int k = 0; k < 4; k++) {
                    const float a = x[j + k];
                    s[k] += a;
                    q[k] += a * a;
                    c[k] += a * p[j + k];
                    const int32_t b = float_bits(a) & 0x7fffffff;
                    if (b > m) m = b;
                }
            }
            sm += (s[0] + s[1]) + (s[2] + s[3]);
            fq += (q[0] + q[1]) + (q[2] + q[3]);
            cr += (c[0] + c[1]) + (c[2] + c[3]);
            if (m >= levelBits) {
                for (int j = i; j < i + QC_CHUNK; j++) cs.step(x[j]);
            } else if (cs.run > 0) {
                cs.end();
            }
        }
        for (; i < e; i++) {
            const float v = x[i];
            sm += v;
            fq += v * v;
            cr += (double) v * p[i];
            cs.step(v);
        }
        fe[f] = fq;
        sq += fq;
    }
    sums[0] += sm;
    sums[1] += sq;
    sums[2] += cr;
}

#ifdef LOFI_QC_X86
static bool qc_has_avx2_fma() {
    static const int ok = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
    return ok != 0;
}

__attribute__((target("avx2,fma"))) static inline double qc_hsum4(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

// Per chunk of 64: two 8-lane float accumulators per sum (fused multiply-adds), widened to double and added into
// double lanes; the clipping pre-check compares the magnitudes' bit patterns as integers (NaN counts as hot and is
// then walked exactly, like the Java pre-check).
__attribute__((target("avx2,fma"))) static void qc_stats_avx2(const float* x, const float* p, int n, int f0, int f1,
                                                              int frame, ClipState& cs, double* sums, double* fe) {
    const __m256i absMask = _mm256_set1_epi32(0x7fffffff);
    const __m256i below = _mm256_set1_epi32(float_bits(cs.level) - 1);
    __m256d S = _mm256_setzero_pd(), C = _mm256_setzero_pd();
    double sm = 0, sq = 0, cr = 0;
    for (int f = f0; f < f1; f++) {
        int i = f * frame;
        const int e = n - i < frame ? n : i + frame;
        __m256d Q = _mm256_setzero_pd();
        double fq = 0;
        for (; i + QC_CHUNK <= e; i += QC_CHUNK) {
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, q0 = s0, q1 = s0, c0 = s0, c1 = s0;
            __m256i hot = _mm256_setzero_si256();
            for (int j = i; j < i + QC_CHUNK; j += 16) {
                const __m256 a = _mm256_loadu_ps(x + j), b = _mm256_loadu_ps(x + j + 8);
                const __m256 pa = _mm256_loadu_ps(p + j), pb = _mm256_loadu_ps(p + j + 8);
                s0 = _mm256_add_ps(s0, a);
                s1 = _mm256_add_ps(s1, b);
                q0 = _mm256_fmadd_ps(a, a, q0);
                q1 = _mm256_fmadd_ps(b, b, q1);
                c0 = _mm256_fmadd_ps(a, pa, c0);
                c1 = _mm256_fmadd_ps(b, pb, c1);
                hot = _mm256_or_si256(hot, _mm256_cmpgt_epi32(_mm256_and_si256(_mm256_castps_si256(a), absMask), below));
                hot = _mm256_or_si256(hot, _mm256_cmpgt_epi32(_mm256_and_si256(_mm256_castps_si256(b), absMask), below));
            }
            const __m256 sv = _mm256_add_ps(s0, s1), qv = _mm256_add_ps(q0, q1), cv = _mm256_add_ps(c0, c1);
            S = _mm256_add_pd(S, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(sv)),
                                               _mm256_cvtps_pd(_mm256_extractf128_ps(sv, 1))));
            Q = _mm256_add_pd(Q, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(qv)),
                                               _mm256_cvtps_pd(_mm256_extractf128_ps(qv, 1))));
            C = _mm256_add_pd(C, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(cv)),
                                               _mm256_cvtps_pd(_mm256_extractf128_ps(cv, 1))));
            if (!_mm256_testz_si256(hot, hot)) {
                for (int j = i; j < i + QC_CHUNK; j++) cs.step(x[j]);
            } else if (cs.run > 0) {
                cs.end();
            }
        }
        for (; i < e; i++) {
            const float v = x[i];
            sm += v;
            fq += (double) (v * v);
            cr += (double) v * p[i];
            cs.step(v);
        }
        fq += qc_hsum4(Q);
        fe[f] = fq;
        sq += fq;
    }
    sums[0] += sm + qc_hsum4(S);
    sums[1] += sq;
    sums[2] += cr + qc_hsum4(C);
}
#endif

// The bandwidth check's long-term spectrum (dev.lofilora.audio.qc.Bandwidth): a frame windowed into the interleaved
// FFT input (L as the real part, R as the imaginary part), with its energy for the silence test, and the two
// channels' powers separated out of the transform and added into the running sum. The products are Java's floats;
// the energy sum is in double in another order (it is only compared with a threshold); the powers are Java's doubles
// bit for bit (no fused multiply-adds).

static double ltas_window_generic(const float* l, const float* r, int start, int n, const float* w, float* z, int from) {
    double e = 0;
    for (int i = from; i < n; i++) {
        const float a = l[start + i], b = r != 0 ? r[start + i] : 0.f;
        const double a2 = (double) a * a, b2 = (double) b * b;
        e += a2 > b2 ? a2 : b2;
        z[2 * i] = a * w[i];
        z[2 * i + 1] = b * w[i];
    }
    return e;
}

#ifdef LOFI_QC_X86
__attribute__((target("avx2,fma"), optimize("fp-contract=off")))
static double ltas_window_avx2(const float* l, const float* r, int start, int n, const float* w, float* z) {
    __m256d e0 = _mm256_setzero_pd(), e1 = _mm256_setzero_pd();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 a = _mm256_loadu_ps(l + start + i);
        const __m256 b = r != 0 ? _mm256_loadu_ps(r + start + i) : _mm256_setzero_ps();
        const __m256 wi = _mm256_loadu_ps(w + i);
        const __m256 za = _mm256_mul_ps(a, wi), zb = _mm256_mul_ps(b, wi);
        // interleave: a0 b0 a1 b1 .. within 128-bit halves, then put the halves in order
        const __m256 lo = _mm256_unpacklo_ps(za, zb), hi = _mm256_unpackhi_ps(za, zb);
        _mm256_storeu_ps(z + 2 * i, _mm256_permute2f128_ps(lo, hi, 0x20));
        _mm256_storeu_ps(z + 2 * i + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
        const __m256d a0 = _mm256_cvtps_pd(_mm256_castps256_ps128(a)), a1 = _mm256_cvtps_pd(_mm256_extractf128_ps(a, 1));
        const __m256d b0 = _mm256_cvtps_pd(_mm256_castps256_ps128(b)), b1 = _mm256_cvtps_pd(_mm256_extractf128_ps(b, 1));
        e0 = _mm256_add_pd(e0, _mm256_max_pd(_mm256_mul_pd(a0, a0), _mm256_mul_pd(b0, b0)));
        e1 = _mm256_add_pd(e1, _mm256_max_pd(_mm256_mul_pd(a1, a1), _mm256_mul_pd(b1, b1)));
    }
    alignas(32) double s[4];
    _mm256_store_pd(s, _mm256_add_pd(e0, e1));
    return s[0] + s[1] + s[2] + s[3] + ltas_window_generic(l, r, start, n, w, z, i);
}
#endif

__attribute__((optimize("fp-contract=off")))
static void ltas_power_generic(const float* z, int n, double* power) {
    for (int k = 0; k <= n / 2; k++) {
        const int m = (n - k) & (n - 1);
        const double rek = z[2 * k], imk = z[2 * k + 1], rem = z[2 * m], imm = z[2 * m + 1];
        // L = (Z[k] + conj Z[n-k]) / 2, R = (Z[k] - conj Z[n-k]) / 2i
        const double lr = 0.5 * (rek + rem), li = 0.5 * (imk - imm);
        const double rr = 0.5 * (imk + imm), ri = -0.5 * (rek - rem);
        power[k] += lr * lr + li * li + rr * rr + ri * ri;
    }
}

} // namespace lofi_qc_detail

/**
 * One frame of the bandwidth check: z[2i] = l[start + i] * w[i], z[2i + 1] = r[start + i] * w[i] (r null: 0) for i in
 * [0, n); returns the sum over i of max(l², r²), in double.
 */
static inline double lofi_ltas_window(const float* l, const float* r, int start, int n, const float* w, float* z) {
    using namespace lofi_qc_detail;
#ifdef LOFI_QC_X86
    if (qc_has_avx2_fma()) return ltas_window_avx2(l, r, start, n, w, z);
#endif
    return ltas_window_generic(l, r, start, n, w, z, 0);
}

/** Adds the two channels' powers of bins 0 .. n/2 of the transform z (interleaved, n points) into power. */
static inline void lofi_ltas_power(const float* z, int n, double* power) {
    lofi_qc_detail::ltas_power_generic(z, n, power);
}

/**
 * The quality checks' fused pass over silence frames [f0, f1) of {@code frame} samples of x (n samples; the last frame
 * may be shorter): adds sum x, sum x², sum x·p into sums[0..2] (p null: x itself, the caller drops that sum), writes each
 * frame's sum of x² into fe[f], and carries the clipping-run scan in clip = {events, open run, bits of its sample}.
 */
static inline void lofi_qc_stats(const float* x, const float* p, int n, int f0, int f1, int frame, float clipLevel,
                                 int clipMinRun, double* sums, double* fe, int* clip) {
    using namespace lofi_qc_detail;
    ClipState cs;
    cs.events = clip[0];
    cs.run = clip[1];
    cs.prev = bits_float(clip[2]);
    cs.minRun = clipMinRun;
    cs.level = clipLevel;
    const float* q = p != 0 ? p : x;
#ifdef LOFI_QC_X86
    if (qc_has_avx2_fma()) qc_stats_avx2(x, q, n, f0, f1, frame, cs, sums, fe);
    else
#endif
    qc_stats_generic(x, q, n, f0, f1, frame, cs, sums, fe);
    clip[0] = cs.events;
    clip[1] = cs.run;
    clip[2] = float_bits(cs.prev);
}

#endif
