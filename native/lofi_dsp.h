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
#include <stdlib.h>
#include <string.h>
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

// ---------------------------------------------------------------------------------------------------------------
// Block minima and maxima (BlockStats): blocks of TP_BLOCK samples, full blocks only.

static void block_minmax_generic(const float* x, int b0, int b1, float* mx, float* mn) {
    for (int b = b0; b < b1; b++) {
        const float* p = x + b * TP_BLOCK;
        float hi = p[0], lo = p[0];
        bool nan = false;
        for (int j = 0; j < TP_BLOCK; j++) {
            hi = p[j] > hi ? p[j] : hi;
            lo = p[j] < lo ? p[j] : lo;
            nan |= p[j] != p[j];
        }
        // a NaN makes both NaN, as Java's Math.max and Math.min do (the limiter refuses such audio)
        mx[b] = nan ? NAN : hi;
        mn[b] = nan ? NAN : lo;
    }
}

// Java's Math.max / Math.min on floats: NaN if either is NaN, and +0 above -0 (x86's maxss/minss return the second
// operand for both cases), so the bounds below are Java's bit for bit.
static inline float jmaxf(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == b) { uint32_t ua, ub; memcpy(&ua, &a, 4); memcpy(&ub, &b, 4); ua &= ub; float r; memcpy(&r, &ua, 4); return r; }
    return a > b ? a : b;
}
static inline float jminf(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == b) { uint32_t ua, ub; memcpy(&ua, &a, 4); memcpy(&ub, &b, 4); ua |= ub; float r; memcpy(&r, &ua, 4); return r; }
    return a < b ? a : b;
}

// The true-peak bound of blocks [b0, b1) from their extremes (BlockStats.of's loop): over block b and the one
// before it (pa, pz before block 0: the caller's), the smaller of the midrange bound sum/2 |hi + lo| + abs/2 (hi - lo)
// and the plain one abs max(hi, -lo); acc = {the largest bound (it starts at the caller's value), hi and lo of the
// extremes of blocks under `full`} and at[0] = the block of the largest bound (the first of equal ones), read and
// written back.
__attribute__((optimize("fp-contract=off")))
static void block_bound_generic(const float* mx, const float* mn, int b0, int b1, int full, float pa, float pz,
                                float sum, float absSum, float* bound, float* acc, int* at) {
    const float hs = sum * 0.5f, ha = absSum * 0.5f;
    float top = acc[0], hi = acc[1], lo = acc[2];
    int topAt = at[0];
    for (int b = b0; b < b1; b++) {
        const float a = mx[b], z = mn[b];
        const float h = jmaxf(a, pa), l = jminf(z, pz);
        const float smooth = hs * fabsf(h + l) + ha * (h - l);
        const float any = absSum * jmaxf(h, -l);
        const float bd = jminf(smooth, any);
        bound[b] = bd;
        if (bd > top) { top = bd; topAt = b; }
        if (b < full) { hi = jmaxf(hi, a); lo = jminf(lo, z); }
        pa = a;
        pz = z;
    }
    acc[0] = top; acc[1] = hi; acc[2] = lo; at[0] = topAt;
}

// ---------------------------------------------------------------------------------------------------------------
// 24-bit PCM, interleaved stereo little-endian: what `process` writes and reads back. Quantisation as WavFile's
// Java: round half to even of v * 2^23, clipped to [-2^23, 2^23 - 1] (clipping first, in float, gives the same
// integers, and the scaling by a power of two is exact).

static inline int32_t quantise24(float v) {
    float s = v * 8388608.0f;
    s = s > 8388607.0f ? 8388607.0f : s;
    s = s < -8388608.0f ? -8388608.0f : s;
    return (int32_t) nearbyintf(s);
}

// curve (null: none) is the limiter's per-frame gain: the sample is (x * gain) * curve[i], in that order, as the
// limiter's own float output (TruePeakLimiter.applyGain), so writing through the curve gives the bytes of writing
// that output.
static void pack24_generic(const float* l, const float* r, const float* curve, int from, int to, float gain,
                           uint8_t* out) {
    uint8_t* o = out;
    for (int i = from; i < to; i++) {
        float vl = l[i] * gain, vr = r[i] * gain;
        if (curve) { vl *= curve[i]; vr *= curve[i]; }
        const int32_t a = quantise24(vl), b = quantise24(vr);
        o[0] = (uint8_t) a; o[1] = (uint8_t) (a >> 8); o[2] = (uint8_t) (a >> 16);
        o[3] = (uint8_t) b; o[4] = (uint8_t) (b >> 8); o[5] = (uint8_t) (b >> 16);
        o += 6;
    }
}

// The limiter's report of a curve: acc[0] = min(acc[0], smallest g), acc[1] += how many g are under `below`.
static void curve_stats_generic(const float* g, int from, int to, float below, double* acc) {
    float m = (float) acc[0];
    int64_t count = 0;
    for (int i = from; i < to; i++) {
        m = g[i] < m ? g[i] : m;
        count += g[i] < below ? 1 : 0;
    }
    acc[0] = m;
    acc[1] += (double) count;
}

static void unpack24_generic(const uint8_t* in, int n, float* l, float* r, int at) {
    const float scale = 1.0f / 8388608.0f;
    for (int i = 0; i < n; i++) {
        const uint8_t* p = in + 6 * i;
        const int32_t a = (int32_t) ((uint32_t) p[0] << 8 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 24) >> 8;
        const int32_t b = (int32_t) ((uint32_t) p[3] << 8 | (uint32_t) p[4] << 16 | (uint32_t) p[5] << 24) >> 8;
        l[at + i] = a * scale;
        r[at + i] = b * scale;
    }
}

// |a - b| max'ed into m the way the AVX2 body does (a NaN difference makes the result NaN: max(NaN, m) keeps NaN
// first, then every max with it is NaN).
static inline float dev_max(float m, float a, float b) {
    const float d = fabsf(a - b);
    return (d > m || d != d) ? d : m;
}

static float unpack24_check_generic(const uint8_t* in, int n, float* l, float* r, int at, float gain, float dev) {
    const float scale = 1.0f / 8388608.0f;
    for (int i = 0; i < n; i++) {
        const uint8_t* p = in + 6 * i;
        const int32_t a = (int32_t) ((uint32_t) p[0] << 8 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 24) >> 8;
        const int32_t b = (int32_t) ((uint32_t) p[3] << 8 | (uint32_t) p[4] << 16 | (uint32_t) p[5] << 24) >> 8;
        const float ya = a * scale, yb = b * scale;
        dev = dev_max(dev, ya, l[at + i] * gain);
        dev = dev_max(dev, yb, r[at + i] * gain);
        l[at + i] = ya;
        r[at + i] = yb;
    }
    return dev;
}

// ---------------------------------------------------------------------------------------------------------------
// K-weighting (BS.1770 pre-filter: high shelf then high-pass, transposed direct form II in double) of a stereo pair,
// energy per tick, in `segs` segments side by side (2 or 4): lanes (channel a, b) x segments. Segment s runs the
// ticks starts[s] + k, k in [0, count), from the given state (the caller starts every segment after the first early,
// from zero state, so that its state has converged before the ticks it stores: the filter forgets its start as
// 0.9988^n at 192 kHz, 0.995^n at 48 kHz). Lane inputs past `frames` read as zero. A tick t of segment s stores
// wa*acc_a + wb*acc_b into ticks[t] when bounds[s] <= t < bounds[s + 1] (the segment that owns the tick); the last
// segment's state after tick bounds[segs] - 1 is saved to endState. coef = {b0, b1, b2, a1, a2, h1, h2}; state =
// 8 * segs doubles {s1, s2, t1, t2} x lanes {a0, b0, a1, b1, a2, b2, a3, b3}.

static const double K_DENORMAL_GUARD = 1e-30;

// Optional extras of the K-weighting pass; every pointer may be null. gain: the input is taken as (x * pre) * gain[i]
// in float (the limiter's output, linked across the two channels), and gain is read like x (zero past frames). outa,
// outb: that input is written out. mxa, mna, mxb, mnb: signed maximum and minimum of every 16-sample block of it (NaN
// when the block holds a NaN), for BlockStats; energy: the block's channel-weighted K-weighted energy (the limiter's
// loudness prediction). Only samples of stored ticks are written; extremes and energies need tick % 16 == 0.
struct KExtras {
    const float* gain; float pre;
    float* outa; float* outb;
    float* mxa; float* mna; float* mxb; float* mnb;
    float* energy; // per 16-sample block: wa * sum z_a^2 + wb * sum z_b^2 (may be null)
};

static inline float k_input(const float* x, const KExtras& ex, int i, int frames) {
    if (i >= frames) return 0.f;
    return ex.gain != 0 ? (x[i] * ex.pre) * ex.gain[i] : x[i];
}

static void kweight_generic(const float* xa, const float* xb, int frames, int tick, int segs, const int* starts,
                            int count, const int* bounds, const double* coef, double wa, double wb, double* state,
                            double* ticks, double* endState, const KExtras& ex) {
    const double b0 = coef[0], b1 = coef[1], b2 = coef[2], a1 = coef[3], a2 = coef[4], h1 = coef[5], h2 = coef[6];
    const int tickBlocks = tick / 16;
    double* blockSums = ex.energy != 0 ? new double[2 * (tickBlocks + 1)] : 0; // per channel, this tick's blocks
    for (int k = 0; k < count; k++) {
        for (int seg = 0; seg < segs; seg++) {
            const int t = starts[seg] + k;
            const bool stored = t >= bounds[seg] && t < bounds[seg + 1];
            double acc[2] = {0, 0};
            for (int c = 0; c < 2; c++) {
                const float* x = c == 0 ? xa : xb;
                float* out = c == 0 ? ex.outa : ex.outb;
                float* mx = c == 0 ? ex.mxa : ex.mxb;
                float* mn = c == 0 ? ex.mna : ex.mnb;
                double* st = state + 4 * (2 * seg + c);
                double s1 = st[0], s2 = st[1], u1 = st[2], u2 = st[3];
                float hi = 0.f, lo = 0.f;
                bool nan = false;
                double bacc = 0;
                for (int i = t * tick, e = i + tick; i < e; i++) {
                    const float v = k_input(x, ex, i, frames);
                    if (stored && out != 0) out[i] = v;
                    if (stored && mx != 0) {
                        if (i % 16 == 0) { hi = v; lo = v; nan = false; }
                        hi = v > hi ? v : hi;
                        lo = v < lo ? v : lo;
                        nan |= v != v;
                        if (i % 16 == 15) { mx[i / 16] = nan ? NAN : hi; mn[i / 16] = nan ? NAN : lo; }
                    }
                    const double in = (double) v;
                    const double y = b0 * in + s1;
                    s1 = b1 * in - a1 * y + s2;
                    s2 = b2 * in - a2 * y;
                    const double z = y + u1;
                    u1 = -2.0 * y - h1 * z + u2;
                    u2 = y - h2 * z;
                    acc[c] += z * z;
                    if (stored && ex.energy != 0) {
                        bacc += z * z;
                        if (i % 16 == 15) { blockSums[c * (tickBlocks + 1) + (i - t * tick) / 16] = bacc; bacc = 0; }
                    }
                }
                if (fabs(s1) < K_DENORMAL_GUARD) s1 = 0;
                if (fabs(s2) < K_DENORMAL_GUARD) s2 = 0;
                if (fabs(u1) < K_DENORMAL_GUARD) u1 = 0;
                if (fabs(u2) < K_DENORMAL_GUARD) u2 = 0;
                st[0] = s1; st[1] = s2; st[2] = u1; st[3] = u2;
            }
            const double e = wa * acc[0] + wb * acc[1];
            if (stored) ticks[t] = e;
            if (stored && ex.energy != 0) {
                for (int q = 0; q < tickBlocks; q++) {
                    ex.energy[t * tickBlocks + q] = (float) (wa * blockSums[q] + wb * blockSums[tickBlocks + 1 + q]);
                }
            }
            if (seg == segs - 1 && t == bounds[segs] - 1) for (int j = 0; j < 8; j++) endState[j] = state[8 * seg + j];
        }
    }
    delete[] blockSums;
}

// ---------------------------------------------------------------------------------------------------------------
// The limiter's gain curve (GainCurve on the Java side, which this equals bit for bit: the same double arithmetic in
// the same order; built with -ffp-contract=off so no multiply-add is fused). In place, from a peak envelope: required
// gain q = e > target ? target / e : 1; look-ahead hold h[i] = min q over [i, i + w - 1], w = 2 box - 1; release on
// the reduction u = max(1 - h, u * release), snapped to 0 under 1e-6, r = 1 - u; two moving averages of box samples (values before
// the start count as the first value), exact re-sums after every sample i with i % 4096 == 4095, each ring oldest value
// first (fixed positions and order: gain_curve_lanes_avx2 relies on them). Run over [a, b) per call with the state
// carried in `st` (2 box + 9 doubles) between calls; the hold reads the envelope up to b + w - 2, which a later call
// has not yet overwritten, so the chunks give the bytes of one whole call. `first` is the hold of sample 0 (the
// caller finds it before the first call).

static const double CURVE_SNAP = 1e-6;
// The running sums are re-summed exactly after every sample i with (i & CURVE_RESUM_MASK) == CURVE_RESUM_MASK.
static const int CURVE_RESUM_MASK = 4095;

// A ring of the hold window's values under 1 (indices and values both ascending from the head).
struct CurveDeque {
    int* idx; float* val; int cap, head, size;
    CurveDeque(int w) : idx(new int[w + 1]), val(new float[w + 1]), cap(w + 1), head(0), size(0) {}
    ~CurveDeque() { delete[] idx; delete[] val; }
    inline int at(int k) const { const int p = head + k; return p >= cap ? p - cap : p; }
    inline void push(int j, float v) {
        while (size > 0 && val[at(size - 1)] >= v) size--; // larger values can never be the minimum again
        const int p = at(size);
        idx[p] = j; val[p] = v; size++;
    }
    inline void expire(int i) { while (size > 0 && idx[head] < i) { head = head + 1 == cap ? 0 : head + 1; size--; } }
};

// The first index in [j, end) with g > target (end if none), and the first with g != 1: the curve's idle stretches are
// long (most of a track), so these scans run eight samples at a time where AVX2 is there.
#ifdef LOFI_X86
__attribute__((target("avx2"))) static int scan_above_avx2(const float* g, int j, int end, float target) {
    const __m256 t = _mm256_set1_ps(target);
    for (; j + 8 <= end; j += 8) {
        const int m = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(g + j), t, _CMP_GT_OQ));
        if (m != 0) return j + __builtin_ctz(m);
    }
    for (; j < end; j++) if (g[j] > target) return j;
    return end;
}

__attribute__((target("avx2"))) static int scan_not_one_avx2(const float* g, int j, int end) {
    const __m256 one = _mm256_set1_ps(1.f);
    for (; j + 8 <= end; j += 8) {
        const int m = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(g + j), one, _CMP_NEQ_UQ));
        if (m != 0) return j + __builtin_ctz(m);
    }
    for (; j < end; j++) if (g[j] != 1.f) return j;
    return end;
}

static bool curve_simd() {
    static const int ok = __builtin_cpu_supports("avx2") ? 1 : 0;
    return ok != 0;
}
#endif

static inline int scan_above(const float* g, int j, int end, float target) {
#ifdef LOFI_X86
    if (curve_simd()) return scan_above_avx2(g, j, end, target);
#endif
    while (j < end && !(g[j] > target)) j++;
    return j;
}

static inline int scan_not_one(const float* g, int j, int end) {
#ifdef LOFI_X86
    if (curve_simd()) return scan_not_one_avx2(g, j, end);
#endif
    while (j < end && g[j] == 1.f) j++;
    return j;
}

// The hold of [a, b) into g: g[i] = min over the window [i, i + w - 1] of the required gains of the envelope e
// (values past the end count as 1). It reads e up to b + w - 2 and writes g only below b, so with e == g (in place)
// later chunks still see the envelope; with e != g the envelope is left as it was (no copy for the caller to make).
// Samples over the target are few (hundreds to thousands in a track): between their windows the hold is filled with 1.
static void curve_hold(const float* e, float* g, int n, int a, int b, float target, int w) {
    CurveDeque dq(w);
    const int primeEnd = a + w - 1 < n ? a + w - 1 : n;
    for (int j = a; j < primeEnd; j++) if (e[j] > target) dq.push(j, target / e[j]);
    const int reach = b + w - 1 < n ? b + w - 1 : n;
    int i = a;
    while (i < b) {
        dq.expire(i);
        if (dq.size == 0) { // nothing in the window: 1 until a sample over the target enters it
            const int j = i + w - 1 < reach ? scan_above(e, i + w - 1, reach, target) : reach;
            int stop = j >= reach ? b : j - w + 1;
            if (stop > b) stop = b;
            for (int k = i; k < stop; k++) g[k] = 1.f;
            if (stop > i) { i = stop; continue; }
        }
        const int j = i + w - 1;
        if (j < n && e[j] > target) dq.push(j, target / e[j]); // read before anything at j is overwritten (j >= i)
        dq.expire(i);
        g[i++] = dq.size > 0 ? dq.val[dq.head] : 1.f;
    }
}

__attribute__((optimize("fp-contract=off")))
static void gain_curve_chunk(const float* e, float* g, int n, int a, int b, float target, int box, double release,
                             double* st, float* red) {
    curve_hold(e, g, n, a, b, target, 2 * box - 1);
    double* ring1 = st;
    double* ring2 = st + box;
    double* v = st + 2 * box;
    double u = v[0], sum1 = v[1], sum2 = v[2]; // u: the reduction 1 - r
    int ones1 = (int) v[3], ones2 = (int) v[4], pos = (int) v[5];
    const double inv = 1.0 / box;
    // the reduction of the current 16-sample block in a register (the same float additions in the same order as
    // adding into red[] each sample, without a store-to-load round trip on the loop's dependency chain)
    int rblk = a >> 4;
    float racc = red != 0 ? red[rblk] : 0.f;
    for (int i = a; i < b; i++) {
        if (u == 0.0 && ones1 >= box && ones2 >= box && g[i] == 1.f) {
            // idle: every ring holds exact ones; the output stays 1 until the hold drops again
            i = scan_not_one(g, i + 1, b) - 1;
            continue;
        }
        u *= release;
        const double need = 1.0 - (double) g[i];
        if (need > u) u = need;
        if (u < CURVE_SNAP) u = 0.0;
        const double r = 1.0 - u;
        sum1 += r - ring1[pos];
        ring1[pos] = r;
        ones1 = r == 1.0 ? ones1 + 1 : 0;
        if (ones1 >= box) sum1 = box;
        const double s1 = sum1 >= box ? 1.0 : sum1 * inv;
        sum2 += s1 - ring2[pos];
        ring2[pos] = s1;
        ones2 = s1 == 1.0 ? ones2 + 1 : 0;
        if (ones2 >= box) sum2 = box;
        pos = pos + 1 == box ? 0 : pos + 1;
        if ((i & CURVE_RESUM_MASK) == CURVE_RESUM_MASK) { // at fixed positions, oldest value first
            sum1 = 0;
            sum2 = 0;
            for (int k = 0, at = pos; k < box; k++, at = at + 1 == box ? 0 : at + 1) { sum1 += ring1[at]; sum2 += ring2[at]; }
        }
        const float out = sum2 >= box ? 1.f : (float) (sum2 * inv);
        g[i] = out;
        if (red != 0) { // idle samples (gain 1) add nothing
            if ((i >> 4) != rblk) { red[rblk] = racc; rblk = i >> 4; racc = red[rblk]; }
            racc += 1.f - out * out;
        }
    }
    if (red != 0) red[rblk] = racc;
    v[0] = u; v[1] = sum1; v[2] = sum2; v[3] = ones1; v[4] = ones2; v[5] = pos;
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

// The release and the two moving averages of gain_curve_chunk on four stretches of the curve at once, one per double
// lane (the loop is a chain of dependent double operations, so four independent chains run in the time of about one).
// Lane k runs samples lane[k] + t for steps t in [t0, t1): from its warm start lane[k] (at rest: no reduction, rings
// of ones; lane 0 from sample 0 with the caller's initial state) and keeps samples from lane[4 + k] up to lane[8 + k]
// (see NativeKernels.laneWarmUp: from there on they are the bytes of one sequential run). g holds the hold over the
// whole track and gets the curve. Warm starts are multiples of 4096, so every lane re-sums at the same steps and
// crosses 16-sample blocks at the same steps; t0 is a multiple of 16. The steps go 16 at a time: each lane's 16 holds
// are read, and its 16 outputs written, as vectors (4 x 4 transposes), not one scalar per lane and step. Idle
// samples (everything exactly 1) give the state they came with (their rings hold ones, which re-sum to box), so 16
// steps in which every lane is idle and reads only 1s are skipped, as the sequential run skips them.
// st: ring1[box][4], ring2[box][4], then per lane u, sum1, sum2, ones1, ones2, then the ring position.
__attribute__((target("avx2,fma"), optimize("fp-contract=off")))
static void gain_curve_lanes_avx2(float* g, int n, const int* lane, int t0, int t1, int box, double release, double* st,
                                  float* red) {
    double* ring1 = st;
    double* ring2 = st + 4 * box;
    double* v = st + 8 * box;
    __m256d u = _mm256_loadu_pd(v), sum1 = _mm256_loadu_pd(v + 4), sum2 = _mm256_loadu_pd(v + 8);
    __m256d ones1 = _mm256_loadu_pd(v + 12), ones2 = _mm256_loadu_pd(v + 16);
    int pos = (int) v[20];
    const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd(), rel = _mm256_set1_pd(release);
    const __m256d snap = _mm256_set1_pd(CURVE_SNAP), boxv = _mm256_set1_pd((double) box), inv = _mm256_set1_pd(1.0 / box);
    const __m128 onef = _mm_set1_ps(1.f);
    __m128 in[16], out[16];
    for (int t = t0; t < t1; t += 16) {
        // the 16 holds of every lane, transposed to one vector of the four lanes per step (a lane outside [its warm
        // start, its end) reads 1: it idles)
        __m128 q[4][4]; // [lane][group of 4 samples]
        for (int k = 0; k < 4; k++) {
            const int i = lane[k] + t, lo = lane[k], hi = lane[8 + k];
            if (i >= lo && i + 16 <= hi) {
                for (int j = 0; j < 4; j++) q[k][j] = _mm_loadu_ps(g + i + 4 * j);
            } else {
                alignas(16) float tmp[16];
                for (int j = 0; j < 16; j++) tmp[j] = i + j >= lo && i + j < hi ? g[i + j] : 1.f;
                for (int j = 0; j < 4; j++) q[k][j] = _mm_load_ps(tmp + 4 * j);
            }
        }
        __m128 notOne = _mm_setzero_ps();
        for (int j = 0; j < 4; j++) {
            __m128 r0 = q[0][j], r1 = q[1][j], r2 = q[2][j], r3 = q[3][j];
            _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
            in[4 * j] = r0; in[4 * j + 1] = r1; in[4 * j + 2] = r2; in[4 * j + 3] = r3;
            notOne = _mm_or_ps(notOne, _mm_or_ps(_mm_or_ps(_mm_cmpneq_ps(r0, onef), _mm_cmpneq_ps(r1, onef)),
                                                 _mm_or_ps(_mm_cmpneq_ps(r2, onef), _mm_cmpneq_ps(r3, onef))));
        }
        const bool idle = _mm256_movemask_pd(_mm256_and_pd(_mm256_cmp_pd(u, zero, _CMP_EQ_OQ),
                _mm256_and_pd(_mm256_cmp_pd(ones1, boxv, _CMP_GE_OQ), _mm256_cmp_pd(ones2, boxv, _CMP_GE_OQ)))) == 15;
        if (idle && _mm_movemask_ps(notOne) == 0) continue; // outputs: the 1s in g; reductions: +0; state: unchanged
        // the reduction of each lane's 16-sample block: its entry, then 1 - x^2 of each output added in order (as the
        // sequential run; an idle sample's 1 adds an exact zero there, where the sequential run adds nothing)
        __m128 racc = _mm_setzero_ps();
        if (red != 0) {
            alignas(16) float r4[4];
            for (int k = 0; k < 4; k++) {
                const int i = lane[k] + t;
                r4[k] = i >= lane[4 + k] && i < lane[8 + k] ? red[i >> 4] : 0.f;
            }
            racc = _mm_load_ps(r4);
        }
        for (int j = 0; j < 16; j++) {
            const __m256d h = _mm256_cvtps_pd(in[j]);
            u = _mm256_mul_pd(u, rel);
            const __m256d need = _mm256_sub_pd(one, h);
            u = _mm256_blendv_pd(u, need, _mm256_cmp_pd(need, u, _CMP_GT_OQ));
            u = _mm256_andnot_pd(_mm256_cmp_pd(u, snap, _CMP_LT_OQ), u);
            const __m256d r = _mm256_sub_pd(one, u);
            double* q1 = ring1 + 4 * pos;
            sum1 = _mm256_add_pd(sum1, _mm256_sub_pd(r, _mm256_loadu_pd(q1)));
            _mm256_storeu_pd(q1, r);
            ones1 = _mm256_and_pd(_mm256_cmp_pd(r, one, _CMP_EQ_OQ), _mm256_min_pd(_mm256_add_pd(ones1, one), boxv));
            sum1 = _mm256_blendv_pd(sum1, boxv, _mm256_cmp_pd(ones1, boxv, _CMP_GE_OQ));
            const __m256d s1 = _mm256_blendv_pd(_mm256_mul_pd(sum1, inv), one, _mm256_cmp_pd(sum1, boxv, _CMP_GE_OQ));
            double* q2 = ring2 + 4 * pos;
            sum2 = _mm256_add_pd(sum2, _mm256_sub_pd(s1, _mm256_loadu_pd(q2)));
            _mm256_storeu_pd(q2, s1);
            ones2 = _mm256_and_pd(_mm256_cmp_pd(s1, one, _CMP_EQ_OQ), _mm256_min_pd(_mm256_add_pd(ones2, one), boxv));
            sum2 = _mm256_blendv_pd(sum2, boxv, _mm256_cmp_pd(ones2, boxv, _CMP_GE_OQ));
            pos = pos + 1 == box ? 0 : pos + 1;
            if (((t + j) & CURVE_RESUM_MASK) == CURVE_RESUM_MASK) { // i & 4095 == t & 4095 in every lane
                __m256d a1 = zero, a2 = zero;
                for (int k = 0, at = pos; k < box; k++, at = at + 1 == box ? 0 : at + 1) {
                    a1 = _mm256_add_pd(a1, _mm256_loadu_pd(ring1 + 4 * at));
                    a2 = _mm256_add_pd(a2, _mm256_loadu_pd(ring2 + 4 * at));
                }
                sum1 = a1;
                sum2 = a2;
            }
            const __m128 o = _mm256_cvtpd_ps(_mm256_mul_pd(sum2, inv));
            const __m128 full = _mm256_cvtpd_ps(_mm256_cmp_pd(sum2, boxv, _CMP_GE_OQ)); // all-ones bits: NaN, sign set
            const __m128 x = _mm_blendv_ps(o, onef, full);
            out[j] = x;
            racc = _mm_add_ps(racc, _mm_sub_ps(onef, _mm_mul_ps(x, x))); // fp-contract off: not fused
        }
        // each lane's 16 outputs back in order (4 x 4 transposes), where the lane keeps them
        __m128 w[4][4]; // [lane][group]
        for (int j = 0; j < 4; j++) {
            __m128 r0 = out[4 * j], r1 = out[4 * j + 1], r2 = out[4 * j + 2], r3 = out[4 * j + 3];
            _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
            w[0][j] = r0; w[1][j] = r1; w[2][j] = r2; w[3][j] = r3;
        }
        alignas(16) float r4[4];
        _mm_store_ps(r4, racc);
        for (int k = 0; k < 4; k++) {
            const int i = lane[k] + t;
            if (i < lane[4 + k] || i >= lane[8 + k]) continue; // warming up (starts are multiples of 16), or done
            if (i + 16 <= lane[8 + k]) {
                for (int j = 0; j < 4; j++) _mm_storeu_ps(g + i + 4 * j, w[k][j]);
                if (red != 0) red[i >> 4] = r4[k];
            } else { // the track's last, partial block: its own reduction, in order
                alignas(16) float o16[16];
                for (int j = 0; j < 4; j++) _mm_store_ps(o16 + 4 * j, w[k][j]);
                float acc = red != 0 ? red[i >> 4] : 0.f;
                for (int j = 0; i + j < lane[8 + k]; j++) {
                    g[i + j] = o16[j];
                    float sq = o16[j] * o16[j];
                    __asm__("" : "+x"(sq)); // a multiply, then a subtract: never fused
                    acc += 1.f - sq;
                }
                if (red != 0) red[i >> 4] = acc;
            }
        }
    }
    _mm256_storeu_pd(v, u); _mm256_storeu_pd(v + 4, sum1); _mm256_storeu_pd(v + 8, sum2);
    _mm256_storeu_pd(v + 12, ones1); _mm256_storeu_pd(v + 16, ones2);
    v[20] = pos;
}

// The K-filter's coefficients broadcast, and one register of four lanes of it: the two biquads' states, the tick's
// energy and the block's.
struct KCoef { __m256d b0, b1, b2, na1, na2, nh1, nh2; };
struct KChain { __m256d s1, s2, u1, u2, acc, bacc; };

// One sample of the four lanes: kweight_generic's arithmetic with fused multiply-adds. u2 - 2y is a subtraction of
// the exact 2y: the rounding of a multiply-add by -2, but on the adders, which the multiply-adds leave idle.
template <bool EN>
__attribute__((target("avx2,fma"), always_inline)) static inline void k_step(KChain& c, const __m256d in,
                                                                            const KCoef& k) {
    const __m256d y = _mm256_fmadd_pd(k.b0, in, c.s1);
    c.s1 = _mm256_fmadd_pd(k.na1, y, _mm256_fmadd_pd(k.b1, in, c.s2));
    c.s2 = _mm256_fmadd_pd(k.na2, y, _mm256_mul_pd(k.b2, in));
    const __m256d z = _mm256_add_pd(y, c.u1);
    c.u1 = _mm256_fmadd_pd(k.nh1, z, _mm256_sub_pd(c.u2, _mm256_add_pd(y, y)));
    c.u2 = _mm256_fmadd_pd(k.nh2, z, y);
    c.acc = _mm256_fmadd_pd(z, z, c.acc);
    if (EN) c.bacc = _mm256_fmadd_pd(z, z, c.bacc);
}

// kweight_generic's lanes in NC registers of four (NC = 1: two segments, 2: four). The recursion is a latency chain
// (two dependent FMAs per biquad per sample), so one register's chain runs at the FMA latency, not at its throughput;
// a second, independent chain in the same loop uses the multiply-add units the first leaves idle, for about 1.4 times
// the time of one (the units are then nearly full). Register r holds segments 2r and 2r + 1 (lanes a, b, a, b).
// Blocks of 16 samples: (1) eight samples of each channel-segment at a time, gained and written out where asked,
// transposed into lane order in a small buffer; (2) the block's extremes from those registers; (3) the recursion,
// which reads the buffer. The extras ride along: the samples are read once.
template <int NC, bool GAIN, bool OUT, bool EXT, bool EN>
__attribute__((target("avx2,fma"))) static void kweight_avx2_t(const float* xa, const float* xb, int frames, int tick,
                                                               const int* starts, int count, const int* bounds,
                                                               const double* coef, double wa, double wb, double* state,
                                                               double* ticks, double* endState, const KExtras& ex) {
    constexpr int NS = 2 * NC; // segments
    const KCoef kc = {_mm256_set1_pd(coef[0]), _mm256_set1_pd(coef[1]), _mm256_set1_pd(coef[2]),
                      _mm256_set1_pd(-coef[3]), _mm256_set1_pd(-coef[4]), _mm256_set1_pd(-coef[5]),
                      _mm256_set1_pd(-coef[6])};
    const __m256d guard = _mm256_set1_pd(K_DENORMAL_GUARD);
    const __m256d absMask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256 pre8 = _mm256_set1_ps(ex.pre);
    const float* g = ex.gain;
    float *mxa = ex.mxa, *mna = ex.mna, *mxb = ex.mxb, *mnb = ex.mnb, *energy = ex.energy;
    // state layout [variable][lane] here, [lane][variable] in the caller's array
    KChain ch[NC];
    for (int r = 0; r < NC; r++) {
        const double* st = state + 16 * r;
        ch[r].s1 = _mm256_setr_pd(st[0], st[4], st[8], st[12]);
        ch[r].s2 = _mm256_setr_pd(st[1], st[5], st[9], st[13]);
        ch[r].u1 = _mm256_setr_pd(st[2], st[6], st[10], st[14]);
        ch[r].u2 = _mm256_setr_pd(st[3], st[7], st[11], st[15]);
    }
    float* pad = 0; // a tick that reaches past `frames` (the last segment's last ticks) is read from a zero-padded copy
    // (one per segment)
    for (int k = 0; k < count; k++) {
        int t[NS], at[NS];
        bool sto[NS];
        const float *ra[NS], *rb[NS], *rg[NS]; // each segment's tick, indexed from its first sample
        for (int s = 0; s < NS; s++) {
            t[s] = starts[s] + k;
            at[s] = t[s] * tick;
            sto[s] = t[s] >= bounds[s] && t[s] < bounds[s + 1];
            ra[s] = xa + at[s]; rb[s] = xb + at[s]; rg[s] = GAIN ? g + at[s] : 0;
            if (at[s] + tick > frames) {
                if (pad == 0) pad = new float[3 * tick * NS];
                float* p = pad + 3 * tick * s;
                const int valid = frames > at[s] ? frames - at[s] : 0;
                for (int j = 0; j < tick; j++) {
                    p[j] = j < valid ? ra[s][j] : 0.f;
                    p[tick + j] = j < valid ? rb[s][j] : 0.f;
                    p[2 * tick + j] = GAIN && j < valid ? rg[s][j] : 0.f;
                }
                ra[s] = p; rb[s] = p + tick; rg[s] = p + 2 * tick;
            }
        }
        for (int r = 0; r < NC; r++) ch[r].acc = _mm256_setzero_pd();
        for (int jb = 0; jb < tick; jb += 16) {
            const int len = tick - jb < 16 ? tick - jb : 16; // 16 but at the end of a tick of 441 samples (44.1 kHz)
            // 1. the block's inputs, gained and written out where asked, transposed into lane order: lanes[q] holds
            // sample jb + q of a0 b0 a1 b1 | a2 b2 a3 b3 in float (each half written and read as 128 bits)
            alignas(32) float lanes[16][8];
            __m256 exMax[NC], exMin[NC], exNan[NC]; // the block's extremes so far, as the lanes of two samples
            for (int r = 0; r < NC; r++) exMax[r] = exMin[r] = exNan[r] = _mm256_setzero_ps(); // (set at q = 0)
            int q = 0;
            for (; q + 8 <= len; q += 8) { // eight samples of each channel-segment: a 4 x 4 transpose in each half
                const int j = jb + q;
                for (int r = 0; r < NC; r++) {
                    __m256 row[4];
                    for (int h = 0; h < 2; h++) {
                        const int s = 2 * r + h;
                        __m256 va = _mm256_loadu_ps(ra[s] + j), vb = _mm256_loadu_ps(rb[s] + j);
                        if (GAIN) {
                            const __m256 gg = _mm256_loadu_ps(rg[s] + j);
                            va = _mm256_mul_ps(_mm256_mul_ps(va, pre8), gg);
                            vb = _mm256_mul_ps(_mm256_mul_ps(vb, pre8), gg);
                        }
                        if (OUT && sto[s]) {
                            _mm256_storeu_ps(ex.outa + at[s] + j, va);
                            _mm256_storeu_ps(ex.outb + at[s] + j, vb);
                        }
                        row[2 * h] = va;
                        row[2 * h + 1] = vb;
                    }
                    const __m256 t0 = _mm256_unpacklo_ps(row[0], row[1]), t1 = _mm256_unpackhi_ps(row[0], row[1]);
                    const __m256 t2 = _mm256_unpacklo_ps(row[2], row[3]), t3 = _mm256_unpackhi_ps(row[2], row[3]);
                    const __m256 c0 = _mm256_shuffle_ps(t0, t2, 0x44), c1 = _mm256_shuffle_ps(t0, t2, 0xEE);
                    const __m256 c2 = _mm256_shuffle_ps(t1, t3, 0x44), c3 = _mm256_shuffle_ps(t1, t3, 0xEE);
                    // c_k holds sample k (low half) and k + 4 (high half) of lanes a, b, a, b
                    if (EXT) {
                        const __m256 hi = _mm256_max_ps(_mm256_max_ps(c0, c1), _mm256_max_ps(c2, c3));
                        const __m256 lo = _mm256_min_ps(_mm256_min_ps(c0, c1), _mm256_min_ps(c2, c3));
                        const __m256 bad = _mm256_or_ps(_mm256_cmp_ps(c0, c1, _CMP_UNORD_Q), _mm256_cmp_ps(c2, c3, _CMP_UNORD_Q));
                        exMax[r] = q == 0 ? hi : _mm256_max_ps(exMax[r], hi);
                        exMin[r] = q == 0 ? lo : _mm256_min_ps(exMin[r], lo);
                        exNan[r] = q == 0 ? bad : _mm256_or_ps(exNan[r], bad);
                    }
                    _mm_store_ps(lanes[q + 0] + 4 * r, _mm256_castps256_ps128(c0));
                    _mm_store_ps(lanes[q + 1] + 4 * r, _mm256_castps256_ps128(c1));
                    _mm_store_ps(lanes[q + 2] + 4 * r, _mm256_castps256_ps128(c2));
                    _mm_store_ps(lanes[q + 3] + 4 * r, _mm256_castps256_ps128(c3));
                    _mm_store_ps(lanes[q + 4] + 4 * r, _mm256_extractf128_ps(c0, 1));
                    _mm_store_ps(lanes[q + 5] + 4 * r, _mm256_extractf128_ps(c1, 1));
                    _mm_store_ps(lanes[q + 6] + 4 * r, _mm256_extractf128_ps(c2, 1));
                    _mm_store_ps(lanes[q + 7] + 4 * r, _mm256_extractf128_ps(c3, 1));
                }
            }
            for (; q < len; q++) { // the rest of a tick that is not a multiple of 8 samples (no extras there)
                const int j = jb + q;
                for (int s = 0; s < NS; s++) {
                    float fa = ra[s][j], fb = rb[s][j];
                    if (GAIN) {
                        fa = (fa * ex.pre) * rg[s][j];
                        fb = (fb * ex.pre) * rg[s][j];
                    }
                    if (OUT && sto[s]) { ex.outa[at[s] + j] = fa; ex.outb[at[s] + j] = fb; }
                    lanes[q][2 * s] = fa;
                    lanes[q][2 * s + 1] = fb;
                }
            }
            // 2. the block's extremes (ticks of whole blocks only): the two halves folded; a NaN anywhere in the block
            // makes both NaN (as Java's Math.max and min; a tie of -0 and +0 may keep either)
            if (EXT) {
                for (int r = 0; r < NC; r++) {
                    const __m128 bad = _mm_or_ps(_mm256_castps256_ps128(exNan[r]), _mm256_extractf128_ps(exNan[r], 1));
                    __m128 hi = _mm_max_ps(_mm256_castps256_ps128(exMax[r]), _mm256_extractf128_ps(exMax[r], 1));
                    __m128 lo = _mm_min_ps(_mm256_castps256_ps128(exMin[r]), _mm256_extractf128_ps(exMin[r], 1));
                    hi = _mm_blendv_ps(hi, _mm_set1_ps(NAN), bad);
                    lo = _mm_blendv_ps(lo, _mm_set1_ps(NAN), bad);
                    for (int h = 0; h < 2; h++) { // segment 2r + h: lanes 2h (channel a) and 2h + 1 (b)
                        if (!sto[2 * r + h]) continue;
                        const int blk = (at[2 * r + h] + jb) / 16;
                        mxa[blk] = hi[2 * h]; mna[blk] = lo[2 * h];
                        mxb[blk] = hi[2 * h + 1]; mnb[blk] = lo[2 * h + 1];
                    }
                }
            }
            // 3. the recursion, the registers' chains side by side
            for (int r = 0; r < NC; r++) ch[r].bacc = _mm256_setzero_pd();
            if (len == 16) {
#pragma GCC unroll 16
                for (int q = 0; q < 16; q++) {
                    for (int r = 0; r < NC; r++) k_step<EN>(ch[r], _mm256_cvtps_pd(_mm_load_ps(lanes[q] + 4 * r)), kc);
                }
            } else {
                for (int q = 0; q < len; q++) {
                    for (int r = 0; r < NC; r++) k_step<EN>(ch[r], _mm256_cvtps_pd(_mm_load_ps(lanes[q] + 4 * r)), kc);
                }
            }
            if (EN) {
                for (int r = 0; r < NC; r++) {
                    const __m256d e = ch[r].bacc;
                    if (sto[2 * r]) energy[(at[2 * r] + jb) / 16] = (float) (wa * e[0] + wb * e[1]);
                    if (sto[2 * r + 1]) energy[(at[2 * r + 1] + jb) / 16] = (float) (wa * e[2] + wb * e[3]);
                }
            }
        }
        for (int r = 0; r < NC; r++) {
            // flush states that decayed to nothing (keeps the loop off denormals after digital silence)
            KChain& c = ch[r];
            c.s1 = _mm256_andnot_pd(_mm256_cmp_pd(_mm256_and_pd(c.s1, absMask), guard, _CMP_LT_OQ), c.s1);
            c.s2 = _mm256_andnot_pd(_mm256_cmp_pd(_mm256_and_pd(c.s2, absMask), guard, _CMP_LT_OQ), c.s2);
            c.u1 = _mm256_andnot_pd(_mm256_cmp_pd(_mm256_and_pd(c.u1, absMask), guard, _CMP_LT_OQ), c.u1);
            c.u2 = _mm256_andnot_pd(_mm256_cmp_pd(_mm256_and_pd(c.u2, absMask), guard, _CMP_LT_OQ), c.u2);
            alignas(32) double a[4];
            _mm256_store_pd(a, c.acc);
            if (sto[2 * r]) ticks[t[2 * r]] = wa * a[0] + wb * a[1];
            if (sto[2 * r + 1]) ticks[t[2 * r + 1]] = wa * a[2] + wb * a[3];
        }
        if (t[NS - 1] == bounds[NS] - 1) { // the last segment's state: lanes 2 and 3 of the last register
            alignas(32) double v[4][4];
            const KChain& c = ch[NC - 1];
            _mm256_store_pd(v[0], c.s1); _mm256_store_pd(v[1], c.s2); _mm256_store_pd(v[2], c.u1); _mm256_store_pd(v[3], c.u2);
            for (int h = 0; h < 2; h++) for (int q = 0; q < 4; q++) endState[4 * h + q] = v[q][2 + h];
        }
    }
    for (int r = 0; r < NC; r++) {
        alignas(32) double v[4][4];
        const KChain& c = ch[r];
        _mm256_store_pd(v[0], c.s1); _mm256_store_pd(v[1], c.s2); _mm256_store_pd(v[2], c.u1); _mm256_store_pd(v[3], c.u2);
        for (int lane = 0; lane < 4; lane++) for (int q = 0; q < 4; q++) state[16 * r + 4 * lane + q] = v[q][lane];
    }
    delete[] pad;
}

// The AVX2 body for the extras asked (null pointers: not asked); other combinations take the portable body.
template <int NC>
__attribute__((target("avx2,fma"))) static void kweight_avx2(const float* xa, const float* xb, int frames, int tick,
                                                             const int* starts, int count, const int* bounds,
                                                             const double* coef, double wa, double wb, double* state,
                                                             double* ticks, double* endState, const KExtras& ex) {
    // extremes and energies need ticks of whole blocks (the Java side checks that, and that all four extreme
    // arrays are there)
    const bool gn = ex.gain != 0, out = ex.outa != 0 && ex.outb != 0;
    const bool ext = ex.mxa != 0 && ex.mna != 0 && ex.mxb != 0 && ex.mnb != 0 && tick % 16 == 0;
    const bool en = ex.energy != 0 && tick % 16 == 0;
    const bool odd = (ex.mxa != 0 || ex.mna != 0 || ex.mxb != 0 || ex.mnb != 0) && !ext;
#define LOFI_KW(G, O, E, N) kweight_avx2_t<NC, G, O, E, N>(xa, xb, frames, tick, starts, count, bounds, coef, wa, wb, \
                                                          state, ticks, endState, ex)
    if (odd || (ex.energy != 0 && !en) || (ex.outa != 0) != (ex.outb != 0)) {
        kweight_generic(xa, xb, frames, tick, 2 * NC, starts, count, bounds, coef, wa, wb, state, ticks, endState, ex);
    } else if (!gn && !out && !ext && !en) LOFI_KW(false, false, false, false);
    else if (!gn && !out && ext && en) LOFI_KW(false, false, true, true);
    else if (!gn && !out && ext) LOFI_KW(false, false, true, false);
    else if (gn && out && ext && !en) LOFI_KW(true, true, true, false);
    else if (gn && out && ext) LOFI_KW(true, true, true, true);
    else if (gn && out && !en) LOFI_KW(true, true, false, false);
    else if (gn && !out && !ext && !en) LOFI_KW(true, false, false, false);
    else kweight_generic(xa, xb, frames, tick, 2 * NC, starts, count, bounds, coef, wa, wb, state, ticks, endState, ex);
#undef LOFI_KW
}

// Sixteen samples per block: two loads, then a horizontal max and min.
__attribute__((target("avx2,fma"))) static void block_minmax_avx2(const float* x, int b0, int b1, float* mx, float* mn) {
    for (int b = b0; b < b1; b++) {
        const __m256 v0 = _mm256_loadu_ps(x + b * TP_BLOCK), v1 = _mm256_loadu_ps(x + b * TP_BLOCK + 8);
        const __m256 hi = _mm256_max_ps(v0, v1), lo = _mm256_min_ps(v0, v1);
        __m128 h = _mm_max_ps(_mm256_castps256_ps128(hi), _mm256_extractf128_ps(hi, 1));
        __m128 m = _mm_min_ps(_mm256_castps256_ps128(lo), _mm256_extractf128_ps(lo, 1));
        h = _mm_max_ps(h, _mm_movehl_ps(h, h));
        m = _mm_min_ps(m, _mm_movehl_ps(m, m));
        h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
        m = _mm_min_ss(m, _mm_shuffle_ps(m, m, 1));
        const bool nan = _mm256_movemask_ps(_mm256_cmp_ps(v0, v1, _CMP_UNORD_Q)) != 0;
        mx[b] = nan ? NAN : _mm_cvtss_f32(h);
        mn[b] = nan ? NAN : _mm_cvtss_f32(m);
    }
}

// Java's Math.max / Math.min, eight lanes: maxps/minps, then +0 over -0 where the two are equal (AND / OR of the
// bits) and NaN where either is NaN.
__attribute__((target("avx2,fma"))) static inline __m256 jmax8(__m256 a, __m256 b) {
    __m256 m = _mm256_blendv_ps(_mm256_max_ps(a, b), _mm256_and_ps(a, b), _mm256_cmp_ps(a, b, _CMP_EQ_OQ));
    return _mm256_blendv_ps(m, _mm256_add_ps(a, b), _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}
__attribute__((target("avx2,fma"))) static inline __m256 jmin8(__m256 a, __m256 b) {
    __m256 m = _mm256_blendv_ps(_mm256_min_ps(a, b), _mm256_or_ps(a, b), _mm256_cmp_ps(a, b, _CMP_EQ_OQ));
    return _mm256_blendv_ps(m, _mm256_add_ps(a, b), _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}

// block_bound_generic eight blocks at a time: per lane the largest bound and its first block, then the lanes merged
// (the largest, and of equal ones the earliest block), so the result is the sequential loop's.
__attribute__((target("avx2,fma"), optimize("fp-contract=off")))
static void block_bound_avx2(const float* mx, const float* mn, int b0, int b1, int full, float pa, float pz, float sum,
                             float absSum, float* bound, float* acc, int* at) {
    int b = b0;
    if (b1 - b0 < 16) { block_bound_generic(mx, mn, b0, b1, full, pa, pz, sum, absSum, bound, acc, at); return; }
    // the first block reads the caller's previous extremes: do it alone
    block_bound_generic(mx, mn, b, b + 1, full, pa, pz, sum, absSum, bound, acc, at);
    b++;
    const __m256 hs = _mm256_set1_ps(sum * 0.5f), ha = _mm256_set1_ps(absSum * 0.5f), ab = _mm256_set1_ps(absSum);
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    __m256 top = _mm256_set1_ps(-INFINITY);
    __m256i topAt = _mm256_set1_epi32(-1);
    __m256 hi = _mm256_set1_ps(acc[1]), lo = _mm256_set1_ps(acc[2]);
    __m256i idx = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(b));
    const __m256i eight = _mm256_set1_epi32(8);
    const int fullEnd = full < b1 ? full : b1; // blocks under it feed hi / lo
    for (; b + 8 <= b1; b += 8) {
        const __m256 a = _mm256_loadu_ps(mx + b), z = _mm256_loadu_ps(mn + b);
        const __m256 h = jmax8(a, _mm256_loadu_ps(mx + b - 1)), l = jmin8(z, _mm256_loadu_ps(mn + b - 1));
        const __m256 smooth = _mm256_add_ps(_mm256_mul_ps(hs, _mm256_andnot_ps(signBit, _mm256_add_ps(h, l))),
                                             _mm256_mul_ps(ha, _mm256_sub_ps(h, l)));
        const __m256 any = _mm256_mul_ps(ab, jmax8(h, _mm256_xor_ps(l, signBit)));
        const __m256 bd = jmin8(smooth, any);
        _mm256_storeu_ps(bound + b, bd);
        const __m256 gt = _mm256_cmp_ps(bd, top, _CMP_GT_OQ); // NaN never wins, as in the loop
        top = _mm256_blendv_ps(top, bd, gt);
        topAt = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(topAt), _mm256_castsi256_ps(idx), gt));
        idx = _mm256_add_epi32(idx, eight);
        if (b + 8 <= fullEnd) {
            hi = jmax8(hi, a);
            lo = jmin8(lo, z);
        } else {
            for (int k = b; k < b + 8 && k < fullEnd; k++) {
                alignas(32) float h8[8], l8[8];
                _mm256_store_ps(h8, hi);
                _mm256_store_ps(l8, lo);
                h8[0] = jmaxf(h8[0], mx[k]);
                l8[0] = jminf(l8[0], mn[k]);
                hi = _mm256_load_ps(h8);
                lo = _mm256_load_ps(l8);
            }
        }
    }
    alignas(32) float t8[8], h8[8], l8[8];
    alignas(32) int32_t i8[8];
    _mm256_store_ps(t8, top);
    _mm256_store_si256((__m256i*) i8, topAt);
    _mm256_store_ps(h8, hi);
    _mm256_store_ps(l8, lo);
    // the caller's block comes before every lane's: it keeps equal values; of equal lanes the earliest block wins
    float bt = acc[0];
    int bi = at[0];
    for (int k = 0; k < 8; k++) {
        if (i8[k] < 0) continue;
        if (t8[k] > bt || (t8[k] == bt && i8[k] < bi)) { bt = t8[k]; bi = i8[k]; }
    }
    acc[0] = bt;
    at[0] = bi;
    float hh = acc[1], ll = acc[2];
    for (int k = 0; k < 8; k++) { hh = jmaxf(hh, h8[k]); ll = jminf(ll, l8[k]); }
    acc[1] = hh;
    acc[2] = ll;
    if (b < b1) block_bound_generic(mx, mn, b, b1, full, mx[b - 1], mn[b - 1], sum, absSum, bound, acc, at);
}

// Eight frames at a time: scale, clip, round (the default rounding mode: half to even), interleave, and a byte
// shuffle that keeps the low three bytes of each 32-bit integer.
template <bool CURVE>
__attribute__((target("avx2,fma"))) static void pack24_avx2(const float* l, const float* r, const float* curve, int from,
                                                            int to, float gain, uint8_t* out) {
    const __m256 g = _mm256_set1_ps(gain), s = _mm256_set1_ps(8388608.0f);
    const __m256 hi = _mm256_set1_ps(8388607.0f), lo = _mm256_set1_ps(-8388608.0f);
    const __m128i shuf = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    uint8_t* o = out;
    int i = from;
    for (; i + 8 <= to; i += 8) {
        // multiply by the gain first and by 2^23 second, as the scalar code, so the products are the same floats
        __m256 a = _mm256_mul_ps(_mm256_loadu_ps(l + i), g), b = _mm256_mul_ps(_mm256_loadu_ps(r + i), g);
        if (CURVE) {
            const __m256 c = _mm256_loadu_ps(curve + i);
            a = _mm256_mul_ps(a, c);
            b = _mm256_mul_ps(b, c);
        }
        a = _mm256_mul_ps(a, s);
        b = _mm256_mul_ps(b, s);
        a = _mm256_max_ps(_mm256_min_ps(a, hi), lo);
        b = _mm256_max_ps(_mm256_min_ps(b, hi), lo);
        const __m256i ia = _mm256_cvtps_epi32(a), ib = _mm256_cvtps_epi32(b);
        // frames 0-1, 4-5 | 2-3, 6-7 interleaved L R L R within each 128-bit lane
        const __m256i p0 = _mm256_unpacklo_epi32(ia, ib), p1 = _mm256_unpackhi_epi32(ia, ib);
        const __m128i f01 = _mm256_castsi256_si128(p0), f23 = _mm256_castsi256_si128(p1);
        const __m128i f45 = _mm256_extracti128_si256(p0, 1), f67 = _mm256_extracti128_si256(p1, 1);
        // 12 useful bytes per 16-byte store; each store's last 4 bytes are overwritten by the next one
        _mm_storeu_si128((__m128i*) (o + 0), _mm_shuffle_epi8(f01, shuf));
        _mm_storeu_si128((__m128i*) (o + 12), _mm_shuffle_epi8(f23, shuf));
        _mm_storeu_si128((__m128i*) (o + 24), _mm_shuffle_epi8(f45, shuf));
        if (i + 16 <= to) {
            _mm_storeu_si128((__m128i*) (o + 36), _mm_shuffle_epi8(f67, shuf));
        } else { // the last vector of the range: no 4 spare bytes after it
            alignas(16) uint8_t tmp[16];
            _mm_store_si128((__m128i*) tmp, _mm_shuffle_epi8(f67, shuf));
            for (int k = 0; k < 12; k++) o[36 + k] = tmp[k];
        }
        o += 48;
    }
    pack24_generic(l, r, curve, i, to, gain, o);
}

// Eight gains at a time; the count in 32-bit lanes (a call covers far fewer than 2^31 samples).
__attribute__((target("avx2,fma"))) static void curve_stats_avx2(const float* g, int from, int to, float below,
                                                                 double* acc) {
    __m256 m = _mm256_set1_ps((float) acc[0]);
    const __m256 b = _mm256_set1_ps(below);
    __m256i count = _mm256_setzero_si256();
    int i = from;
    for (; i + 8 <= to; i += 8) {
        const __m256 v = _mm256_loadu_ps(g + i);
        m = _mm256_min_ps(v, m);
        // a true comparison is all ones: -1 per lane counted
        count = _mm256_sub_epi32(count, _mm256_castps_si256(_mm256_cmp_ps(v, b, _CMP_LT_OQ)));
    }
    alignas(32) float ms[8];
    alignas(32) int32_t cs[8];
    _mm256_store_ps(ms, m);
    _mm256_store_si256((__m256i*) cs, count);
    float mm = ms[0];
    int64_t c = 0;
    for (int k = 0; k < 8; k++) { mm = ms[k] < mm ? ms[k] : mm; c += cs[k]; }
    acc[0] = mm;
    acc[1] += (double) c;
    curve_stats_generic(g, i, to, below, acc);
}

// Four frames (24 bytes) from p: two 16-byte loads, a byte shuffle that puts each sample's three bytes at the top of a
// 32-bit lane (an arithmetic shift then sign-extends), convert, scale by 2^-23 (exact), and split L from R. Reads 28
// bytes from p (16 at +12).
__attribute__((target("avx2,fma"))) static inline void unpack24_four_avx2(const uint8_t* p, __m128* l, __m128* r) {
    const __m128i shuf = _mm_setr_epi8(-1, 0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11);
    const __m128 scale = _mm_set1_ps(1.0f / 8388608.0f);
    const __m128i a = _mm_srai_epi32(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i*) p), shuf), 8);
    const __m128i b = _mm_srai_epi32(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i*) (p + 12)), shuf), 8);
    const __m128 fa = _mm_mul_ps(_mm_cvtepi32_ps(a), scale); // L0 R0 L1 R1
    const __m128 fb = _mm_mul_ps(_mm_cvtepi32_ps(b), scale); // L2 R2 L3 R3
    *l = _mm_shuffle_ps(fa, fb, _MM_SHUFFLE(2, 0, 2, 0));
    *r = _mm_shuffle_ps(fa, fb, _MM_SHUFFLE(3, 1, 3, 1));
}

__attribute__((target("avx2,fma"))) static void unpack24_avx2(const uint8_t* in, int n, float* l, float* r, int at) {
    int i = 0;
    // each step reads 28 bytes from its start: stop while 4 frames and the 4 spare bytes are inside
    for (; i + 4 < n; i += 4) {
        __m128 yl, yr;
        unpack24_four_avx2(in + 6 * i, &yl, &yr);
        _mm_storeu_ps(l + at + i, yl);
        _mm_storeu_ps(r + at + i, yr);
    }
    unpack24_generic(in + 6 * i, n - i, l, r, at + i);
}

// unpack24_avx2 that first reads the four old samples of each channel it overwrites.
__attribute__((target("avx2,fma"))) static float unpack24_check_avx2(const uint8_t* in, int n, float* l, float* r,
                                                                     int at, float gain, float dev) {
    const __m128 g = _mm_set1_ps(gain);
    const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    __m128 m = _mm_set1_ps(dev), nan = _mm_setzero_ps();
    int i = 0;
    for (; i + 4 < n; i += 4) {
        __m128 yl, yr;
        unpack24_four_avx2(in + 6 * i, &yl, &yr);
        const __m128 dl = _mm_and_ps(_mm_sub_ps(yl, _mm_mul_ps(_mm_loadu_ps(l + at + i), g)), absMask);
        const __m128 dr = _mm_and_ps(_mm_sub_ps(yr, _mm_mul_ps(_mm_loadu_ps(r + at + i), g)), absMask);
        m = _mm_max_ps(m, _mm_max_ps(dl, dr));
        nan = _mm_or_ps(nan, _mm_or_ps(_mm_cmpunord_ps(dl, dl), _mm_cmpunord_ps(dr, dr)));
        _mm_storeu_ps(l + at + i, yl);
        _mm_storeu_ps(r + at + i, yr);
    }
    alignas(16) float v[4];
    _mm_store_ps(v, m);
    float d = v[0];
    for (int k = 1; k < 4; k++) d = v[k] > d ? v[k] : d;
    if (_mm_movemask_ps(nan) != 0 || dev != dev) d = NAN;
    return unpack24_check_generic(in + 6 * i, n - i, l, r, at + i, gain, d);
}

// Software prefetch for the true-peak search. The blocks it computes are scattered (on a dense master one in ten
// passes its bound) and the samples were streamed long before, so each one waited on memory; prefetching the next
// TP_PREFETCH blocks that will be computed (by the bounds and the current maxima) lets those waits overlap.
static const int TP_PREFETCH = 6;

struct TpPrefetch {
    int next;    // the next block index not yet looked at
    int pending; // prefetched blocks ahead of the current one
    explicit TpPrefetch(int b0) : next(b0), pending(0) {}
    inline void run(const float* x, const float* bound, int b, int b1, float bestA, float bestB) {
        if (next <= b) { next = b + 1; pending = 0; } else if (pending > 0) pending--;
        while (pending < TP_PREFETCH && next < b1) {
            const float bd = bound[next];
            if (bd > bestA || bd > bestB) {
                // the block's 16 samples and the taps' reach into the block before (ntaps - 1 <= 16)
                _mm_prefetch((const char*) (x + next * TP_BLOCK - TP_BLOCK), _MM_HINT_T0);
                _mm_prefetch((const char*) (x + next * TP_BLOCK + TP_BLOCK - 1), _MM_HINT_T0);
                pending++;
            }
            next++;
        }
    }
};

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

// The largest |output| of any of the P phases in block b.
template <int P>
__attribute__((target("avx2,fma"))) static inline float tp_block_max_avx2(const float* x, int b, const float* taps,
                                                                          int ntaps) {
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 lo[4], hi[4];
    tp_block_avx2<P>(x, b * TP_BLOCK, taps, ntaps, lo, hi);
    __m256 m = _mm256_setzero_ps();
    for (int p = 0; p < P; p++) {
        m = _mm256_max_ps(m, _mm256_and_ps(lo[p], absMask));
        m = _mm256_max_ps(m, _mm256_and_ps(hi[p], absMask));
    }
    return hmax8(m);
}

template <int P>
__attribute__((target("avx2,fma"))) static float tp_peak_avx2(const float* x, const float* bound, int b0, int b1,
                                                              float best, const float* taps, int ntaps) {
    TpPrefetch ahead(b0);
    for (int b = b0; b < b1; b++) {
        if (!(bound[b] > best)) continue;
        ahead.run(x, bound, b, b1, best, best);
        const float v = tp_block_max_avx2<P>(x, b, taps, ntaps);
        if (v > best) best = v;
    }
    return best;
}

// Both interpolators in one pass over the blocks (the block's samples are in L1 for the second): the same per-block
// arithmetic and pruning as two tp_peak_avx2 calls, so the same results, with one read of x instead of two. With
// `exact`, a block that either search computes is computed for both, and exact[b] gets the larger of its two maxima
// (blocks neither computes keep what the caller put there, their bound): a tighter bound for a later search on a
// signal known to be within a margin of a multiple of this one.
template <int PA, int PB>
__attribute__((target("avx2,fma"))) static void tp_peak2_avx2(const float* x, const float* bound, int b0, int b1,
                                                              float* best, const float* tapsA, const float* tapsB,
                                                              int ntaps, float* exact) {
    float bestA = best[0], bestB = best[1];
    TpPrefetch ahead(b0);
    for (int b = b0; b < b1; b++) {
        const float bd = bound[b];
        const bool a = bd > bestA, c = bd > bestB;
        if (!a && !c) continue;
        ahead.run(x, bound, b, b1, bestA, bestB);
        float va = 0.0f, vb = 0.0f;
        if (a || exact) {
            va = tp_block_max_avx2<PA>(x, b, tapsA, ntaps);
            if (va > bestA) bestA = va;
        }
        if (c || exact) {
            vb = tp_block_max_avx2<PB>(x, b, tapsB, ntaps);
            if (vb > bestB) bestB = vb;
        }
        if (exact) exact[b] = va > vb ? va : vb;
    }
    best[0] = bestA;
    best[1] = bestB;
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

// One output of one or two channels. Every output, whichever of this and resample_pair2_avx2 computes it, is summed
// the same way (two accumulators over taps k and k + 8 in steps of 16, then their sum reduced), so the result does
// not depend on how a caller splits the outputs.
__attribute__((target("avx2,fma"))) static inline void resample_one_avx2(const float* const* x, float* const* y,
                                                                         int channels, int i, int q, const float* h,
                                                                         int tapsPadded) {
    for (int c = 0; c < channels; c++) {
        const float* a = x[c] + q;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0;
        for (int k = 0; k < tapsPadded; k += 16) {
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(h + k), _mm256_loadu_ps(a + k), a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(h + k + 8), _mm256_loadu_ps(a + k + 8), a1);
        }
        y[c][i] = hsum8(_mm256_add_ps(a0, a1));
    }
}

// Two outputs of two channels that share a phase (outputs i and i + L): each row of the bank loaded feeds four FMAs
// instead of one, which matters where the core loads one 256-bit vector per cycle (x86 cores that split AVX ops).
__attribute__((target("avx2,fma"))) static inline void resample_pair2_avx2(const float* x0, const float* x1, float* y0,
                                                                           float* y1, int i, int i2, int q, int q2,
                                                                           const float* h, int tapsPadded) {
    const float *a = x0 + q, *b = x1 + q, *c = x0 + q2, *d = x1 + q2;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
    for (int k = 0; k < tapsPadded; k += 16) {
        const __m256 h0 = _mm256_loadu_ps(h + k), h1 = _mm256_loadu_ps(h + k + 8);
        a0 = _mm256_fmadd_ps(h0, _mm256_loadu_ps(a + k), a0);
        b0 = _mm256_fmadd_ps(h0, _mm256_loadu_ps(b + k), b0);
        c0 = _mm256_fmadd_ps(h0, _mm256_loadu_ps(c + k), c0);
        d0 = _mm256_fmadd_ps(h0, _mm256_loadu_ps(d + k), d0);
        a1 = _mm256_fmadd_ps(h1, _mm256_loadu_ps(a + k + 8), a1);
        b1 = _mm256_fmadd_ps(h1, _mm256_loadu_ps(b + k + 8), b1);
        c1 = _mm256_fmadd_ps(h1, _mm256_loadu_ps(c + k + 8), c1);
        d1 = _mm256_fmadd_ps(h1, _mm256_loadu_ps(d + k + 8), d1);
    }
    y0[i] = hsum8(_mm256_add_ps(a0, a1));
    y1[i] = hsum8(_mm256_add_ps(b0, b1));
    y0[i2] = hsum8(_mm256_add_ps(c0, c1));
    y1[i2] = hsum8(_mm256_add_ps(d0, d1));
}

// Phase-major within chunks: the filter bank (L rows of tapsPadded floats, 80 kB for 44.1 -> 48 kHz) does not fit in
// the L1 cache, and in output order every output would fetch its row from L2. Outputs i and i + L share a phase and
// lie exactly M input samples apart, so a chunk of a few periods is computed one phase at a time: each row is
// fetched once per chunk and the chunk's samples stay in L1. Every output is still one independent sum, so the
// result is the same as in output order.
__attribute__((target("avx2,fma"))) static void resample_avx2(const float* const* x, float* const* y, int channels,
                                                              int count, int q0, int p0, const float* bank,
                                                              int tapsPadded, int L, int stepDiv, int stepMod) {
    const int periods = L >= 2048 ? 1 : 2048 / L;
    const int chunk = L * periods;
    const int M = stepDiv * L + stepMod; // input samples per L outputs
    int q = q0, p = p0;                   // window start and phase of the chunk's first output
    for (int i0 = 0; i0 < count; i0 += chunk) {
        const int n = count - i0 < chunk ? count - i0 : chunk;
        int qj = q, pj = p;
        const int rows = n < L ? n : L;
        for (int j = 0; j < rows; j++) {
            const float* h = bank + (int64_t) pj * tapsPadded;
            int qi = qj;
            int i = i0 + j;
            if (channels == 2) {
                for (; i + L < i0 + n; i += 2 * L, qi += 2 * M) {
                    resample_pair2_avx2(x[0], x[1], y[0], y[1], i, i + L, qi, qi + M, h, tapsPadded);
                }
            }
            for (; i < i0 + n; i += L, qi += M) resample_one_avx2(x, y, channels, i, qi, h, tapsPadded);
            qj += stepDiv;
            pj += stepMod;
            if (pj >= L) { pj -= L; qj++; }
        }
        // the next chunk starts `periods` whole periods later: the phase repeats, the window moves periods * M
        q += periods * M;
    }
}

// The resampler in blocks of 32 consecutive outputs, vectorised across outputs instead of taps. The phase pattern
// repeats every P outputs (P = lcm(L, 32)), so each of the P / 32 blocks of a period has its own coefficient matrix
// H[t][m] = bank[phase of output m][t - d_m] (zero outside the row), d_m being output m's window start relative to the
// block's first: one broadcast input sample x[base + t] then feeds 32 outputs of a channel in four FMAs, and
// the two channels share each row of H. Against the tap-vectorised kernel (resample_avx2) this takes no horizontal
// sums and no unaligned, line-crossing loads of x, and loads 0.75 vectors per FMA instead of 1.25; it does about a
// fifth more FMAs (the zeros), and still runs 1.5x faster (DspKernelBenchmark).
//
// Every output is the same chain of FMAs over its taps in order (acc = fma(h[k], x[q + k], acc) from +0; the zero
// coefficients add exact zeros), whichever block or call computes it: blocks cut by the ends of a call are computed
// whole on a copy of the samples they read (zero outside the call's windows), and only their own outputs are kept, so
// the result does not depend on how a caller splits the outputs.
struct ResampleBlocks {
    int L = 0, stepDiv = 0, stepMod = 0, tapsPadded = 0;
    float* key = 0;      // the bank the matrices were built from (L * tapsPadded floats)
    int P = 0;           // outputs per period of the block pattern
    int64_t MP = 0;      // input samples per period
    int spanMax = 0;     // rows of each block's matrix
    int* qoff = 0;       // [P / 32] window start of block k's first output, relative to the period's
    int* span = 0;       // [P / 32] rows block k reads (tapsPadded + its last output's window offset)
    float* H = 0;        // [P / 32][spanMax][32], 64-byte aligned
    ~ResampleBlocks() { release(); }
    void release() {
        free(key); free(qoff); free(span); free(H);
        key = 0; qoff = 0; span = 0; H = 0; L = 0;
    }
};

// Block matrices above this size (exotic rate pairs) are not built; those ratios take resample_avx2.
static const int64_t RESAMPLE_BLOCKS_MAX_FLOATS = 1 << 20;

static int gcd_int(int a, int b) { while (b != 0) { int t = a % b; a = b; b = t; } return a; }

// The block matrices for this bank, built on the first call of a thread and kept while the bank stays the same (the
// key is compared by content: a Java array has no stable address). Null when the scheme does not apply.
static const ResampleBlocks* resample_blocks(const float* bank, int tapsPadded, int L, int stepDiv, int stepMod) {
    static thread_local ResampleBlocks cache;
    const size_t bankFloats = (size_t) L * tapsPadded;
    if (cache.L == L && cache.stepDiv == stepDiv && cache.stepMod == stepMod && cache.tapsPadded == tapsPadded
        && memcmp(cache.key, bank, bankFloats * sizeof(float)) == 0) {
        return cache.H != 0 ? &cache : 0;
    }
    cache.release();
    cache.L = L; cache.stepDiv = stepDiv; cache.stepMod = stepMod; cache.tapsPadded = tapsPadded;
    cache.key = (float*) malloc(bankFloats * sizeof(float));
    if (cache.key == 0) { cache.L = 0; return 0; }
    memcpy(cache.key, bank, bankFloats * sizeof(float));
    const int64_t M = (int64_t) stepDiv * L + stepMod;
    if (gcd_int(stepMod, L) != 1 && L != 1) return 0; // some phases never occur from some starts: keep it simple
    const int P = L / gcd_int(L, 32) * 32;
    int spanMax = 0;
    for (int k = 0; k < P / 32; k++) {
        const int64_t j = (int64_t) k * 32;
        const int d31 = (int) ((j + 31) * M / L - j * M / L);
        if (tapsPadded + d31 > spanMax) spanMax = tapsPadded + d31;
    }
    if ((int64_t) P * spanMax > RESAMPLE_BLOCKS_MAX_FLOATS) return 0;
    cache.P = P;
    cache.MP = (int64_t) P / L * M;
    cache.spanMax = spanMax;
    cache.qoff = (int*) malloc(sizeof(int) * (P / 32));
    cache.span = (int*) malloc(sizeof(int) * (P / 32));
    const size_t hBytes = ((size_t) P * spanMax * sizeof(float) + 63) / 64 * 64;
    cache.H = (float*) aligned_alloc(64, hBytes);
    if (cache.qoff == 0 || cache.span == 0 || cache.H == 0) { cache.release(); return 0; }
    memset(cache.H, 0, hBytes);
    for (int k = 0; k < P / 32; k++) {
        const int64_t j0 = (int64_t) k * 32;
        const int64_t q0 = j0 * M / L;
        cache.qoff[k] = (int) q0;
        float* Hk = cache.H + (size_t) k * spanMax * 32;
        for (int m = 0; m < 32; m++) {
            const int64_t j = j0 + m;
            const int p = (int) (j * M % L);
            const int d = (int) (j * M / L - q0);
            for (int t = 0; t < tapsPadded; t++) Hk[(size_t) (d + t) * 32 + m] = bank[(size_t) p * tapsPadded + t];
            if (m == 31) cache.span[k] = tapsPadded + d;
        }
    }
    return &cache;
}

// One block: outputs m = 0..31 of channel a (and b) into ya[m] (yb[m]), reading a[0 .. span) (b[0 .. span)).
template <bool TWO>
__attribute__((target("avx2,fma"))) static inline void resample_block_avx2(const float* a, const float* b,
                                                                           const float* H, int span, float* ya,
                                                                           float* yb) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    const float* h = H;
    for (int t = 0; t < span; t++, h += 32) {
        __m256 h0 = _mm256_load_ps(h), h1 = _mm256_load_ps(h + 8), h2 = _mm256_load_ps(h + 16),
               h3 = _mm256_load_ps(h + 24);
        // keep the row in registers: folded into the FMAs it would be loaded once per channel
        __asm__("" : "+x"(h0), "+x"(h1), "+x"(h2), "+x"(h3));
        const __m256 xa = _mm256_broadcast_ss(a + t);
        a0 = _mm256_fmadd_ps(h0, xa, a0);
        a1 = _mm256_fmadd_ps(h1, xa, a1);
        a2 = _mm256_fmadd_ps(h2, xa, a2);
        a3 = _mm256_fmadd_ps(h3, xa, a3);
        if (TWO) {
            const __m256 xb = _mm256_broadcast_ss(b + t);
            b0 = _mm256_fmadd_ps(h0, xb, b0);
            b1 = _mm256_fmadd_ps(h1, xb, b1);
            b2 = _mm256_fmadd_ps(h2, xb, b2);
            b3 = _mm256_fmadd_ps(h3, xb, b3);
        }
    }
    _mm256_storeu_ps(ya, a0); _mm256_storeu_ps(ya + 8, a1); _mm256_storeu_ps(ya + 16, a2); _mm256_storeu_ps(ya + 24, a3);
    if (TWO) {
        _mm256_storeu_ps(yb, b0); _mm256_storeu_ps(yb + 8, b1); _mm256_storeu_ps(yb + 16, b2);
        _mm256_storeu_ps(yb + 24, b3);
    }
}

// Outputs [0, count) of a call starting at window q0 and phase p0, by blocks (see ResampleBlocks).
template <bool TWO>
__attribute__((target("avx2,fma"))) static void resample_blocks_avx2(const float* const* x, float* const* y, int count,
                                                                     int q0, int p0, const ResampleBlocks& rb) {
    const int L = rb.L, P = rb.P, nb = P / 32;
    const int64_t M = (int64_t) rb.stepDiv * L + rb.stepMod;
    // the call's first output is output u of the pattern (u * M = p0 mod L)
    int u = 0;
    while (u < L && (int64_t) u * M % L != p0) u++;
    const int64_t qu = (int64_t) u * M / L;
    const int64_t lastWindowEnd = (int64_t) q0 + ((int64_t) u + count - 1) * M / L - qu + rb.tapsPadded;
    alignas(64) float sa[32], sb[32];
    const int64_t jEnd = (int64_t) u + count;
    // periods of the pattern that hold outputs of this call, in chunks of a few, one block index at a time: each
    // block's matrix stays in L1 while the chunk's periods pass under it (the chunk's samples stay in L2)
    const int64_t firstPeriod = u / P, endPeriod = (jEnd + P - 1) / P;
    const int64_t chunkPeriods = rb.MP >= 4096 ? 1 : 4096 / rb.MP;
    for (int64_t c0 = firstPeriod; c0 < endPeriod; c0 += chunkPeriods) {
        const int64_t c1 = c0 + chunkPeriods < endPeriod ? c0 + chunkPeriods : endPeriod;
        for (int k = 0; k < nb; k++) {
            const float* H = rb.H + (size_t) k * rb.spanMax * 32;
            const int span = rb.span[k];
            for (int64_t per = c0; per < c1; per++) {
                const int64_t i = per * P + (int64_t) k * 32 - u;                // call index of the block's first output
                if (i + 32 <= 0 || i >= count) continue;
                const int64_t base = q0 - qu + per * rb.MP + rb.qoff[k]; // window start of that output
                if (i >= 0 && i + 32 <= count) {
                    resample_block_avx2<TWO>(x[0] + base, TWO ? x[1] + base : 0, H, span, y[0] + i,
                                             TWO ? y[1] + i : 0);
                    continue;
                }
                // cut by an end of the call: the block runs whole on a copy (zero outside the call's windows)
                alignas(64) float ca[1024 + 64], cb[1024 + 64];
                float *xa = ca, *xb = cb;
                float *heapA = 0, *heapB = 0;
                if (span > 1024) {
                    heapA = (float*) malloc(sizeof(float) * span);
                    heapB = (float*) malloc(sizeof(float) * span);
                    xa = heapA; xb = heapB;
                }
                for (int t = 0; t < span; t++) {
                    const int64_t s = base + t;
                    const bool inside = s >= q0 && s < lastWindowEnd;
                    xa[t] = inside ? x[0][s] : 0.f;
                    if (TWO) xb[t] = inside ? x[1][s] : 0.f;
                }
                resample_block_avx2<TWO>(xa, xb, H, span, sa, sb);
                free(heapA); free(heapB);
                for (int m = 0; m < 32; m++) {
                    if (i + m < 0 || i + m >= count) continue;
                    y[0][i + m] = sa[m];
                    if (TWO) y[1][i + m] = sb[m];
                }
            }
        }
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
 * y1[outOffset..]. Rows of the bank are tapsPadded long (the AVX2 body needs a multiple of 16; the caller pads).
 */
static inline void lofi_resample(const float* x0, const float* x1, float* y0, float* y1, int outOffset, int count,
                                 int q0, int p0, const float* bank, int tapsPadded, int L, int stepDiv, int stepMod) {
    using namespace lofi_dsp_detail;
    const float* xs[2] = {x0, x1};
    float* ys[2] = {y0 + outOffset, y1 != 0 ? y1 + outOffset : 0};
    const int channels = x1 != 0 ? 2 : 1;
#ifdef LOFI_X86
    if (has_avx2_fma() && tapsPadded % 16 == 0) {
        const ResampleBlocks* rb = resample_blocks(bank, tapsPadded, L, stepDiv, stepMod);
        if (rb != 0 && channels == 2) resample_blocks_avx2<true>(xs, ys, count, q0, p0, *rb);
        else if (rb != 0) resample_blocks_avx2<false>(xs, ys, count, q0, p0, *rb);
        else resample_avx2(xs, ys, channels, count, q0, p0, bank, tapsPadded, L, stepDiv, stepMod);
        return;
    }
#endif
    resample_generic(xs, ys, channels, count, q0, p0, bank, tapsPadded, L, stepDiv, stepMod);
}

/** Maximum and minimum of blocks [b0, b1) of 16 samples of x, into mx[b] and mn[b]. */
static inline void lofi_block_minmax(const float* x, int b0, int b1, float* mx, float* mn) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) { block_minmax_avx2(x, b0, b1, mx, mn); return; }
#endif
    block_minmax_generic(x, b0, b1, mx, mn);
}

/** See block_bound_generic: the true-peak bounds of blocks [b0, b1) from their extremes, as BlockStats.of. */
static inline void lofi_block_bound(const float* mx, const float* mn, int b0, int b1, int full, float pa, float pz,
                                    float sum, float absSum, float* bound, float* acc, int* at) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) { block_bound_avx2(mx, mn, b0, b1, full, pa, pz, sum, absSum, bound, acc, at); return; }
#endif
    block_bound_generic(mx, mn, b0, b1, full, pa, pz, sum, absSum, bound, acc, at);
}

/** Frames [from, to) of l and r, times gain, as interleaved 24-bit little-endian PCM into out[0 ..]. */
static inline void lofi_pack24_stereo(const float* l, const float* r, int from, int to, float gain, signed char* out) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) { pack24_avx2<false>(l, r, nullptr, from, to, gain, (uint8_t*) out); return; }
#endif
    pack24_generic(l, r, nullptr, from, to, gain, (uint8_t*) out);
}

/** As lofi_pack24_stereo of (x * gain) * curve[i]: the limiter's output quantised, without making it first. */
static inline void lofi_pack24_stereo_curve(const float* l, const float* r, const float* curve, int from, int to,
                                            float gain, signed char* out) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) { pack24_avx2<true>(l, r, curve, from, to, gain, (uint8_t*) out); return; }
#endif
    pack24_generic(l, r, curve, from, to, gain, (uint8_t*) out);
}

/** acc[0] = min(acc[0], g[from .. to)), acc[1] += the count of those under `below` (NaN: neither). */
static inline void lofi_curve_stats(const float* g, int from, int to, float below, double* acc) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) { curve_stats_avx2(g, from, to, below, acc); return; }
#endif
    curve_stats_generic(g, from, to, below, acc);
}

/** n interleaved 24-bit stereo frames from in[0 ..] into l[at ..] and r[at ..] (exact: integer times 2^-23). */
static inline void lofi_unpack24_stereo(const signed char* in, int n, float* l, float* r, int at) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) { unpack24_avx2((const uint8_t*) in, n, l, r, at); return; }
#endif
    unpack24_generic((const uint8_t*) in, n, l, r, at);
}

/**
 * lofi_unpack24_stereo over samples that held, before, the float samples the file was written from with `gain`
 * (the arrays the file is read back into): returns the largest |read-back sample - float(old sample * gain)|, with
 * `dev` the largest so far (NaN when a product is NaN).
 */
static inline float lofi_unpack24_stereo_check(const signed char* in, int n, float* l, float* r, int at, float gain,
                                               float dev) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) return unpack24_check_avx2((const uint8_t*) in, n, l, r, at, gain, dev);
#endif
    return unpack24_check_generic((const uint8_t*) in, n, l, r, at, gain, dev);
}

/**
 * Both true-peak searches of lofi_tp_peak in one pass, for two filters with the same tap count: best[0] and best[1]
 * are the running maxima of filters A and B, in and out. With exact (or NULL), every block either search computes is
 * computed for both and exact[b] set to the larger of the two maxima. Returns 0, or -1 for a phase count it has no
 * body for (the caller then makes two lofi_tp_peak calls, and exact is left as it was).
 */
static inline int lofi_tp_peak2(const float* x, const float* bound, int b0, int b1, float* best, const float* tapsA,
                                int phasesA, const float* tapsB, int phasesB, int ntaps, float* exact) {
    using namespace lofi_dsp_detail;
#ifdef LOFI_X86
    if (has_avx2_fma()) {
        if (phasesA == 4 && phasesB == 3) {
            tp_peak2_avx2<4, 3>(x, bound, b0, b1, best, tapsA, tapsB, ntaps, exact);
            return 0;
        }
        if (phasesA == 4 && phasesB == 1) {
            tp_peak2_avx2<4, 1>(x, bound, b0, b1, best, tapsA, tapsB, ntaps, exact);
            return 0;
        }
    }
#endif
    return -1;
}

/**
 * How many segments lofi_kweight runs side by side for about the cost of two: 4 where the AVX2 body runs them as two
 * independent register chains, 2 with the portable body (which runs lane after lane, so more segments only add their
 * warm-ups).
 */
static inline int lofi_kweight_segments() {
#ifdef LOFI_X86
    if (lofi_dsp_detail::has_avx2_fma()) return 4;
#endif
    return 2;
}

/**
 * K-weighted tick energies of a stereo pair in `segs` segments (2 or 4) side by side, with the optional extras of
 * KExtras (null pointers: none); see kweight_generic.
 */
static inline void lofi_kweight(const float* xa, const float* xb, int frames, int tick, int segs, const int* starts,
                                int count, const int* bounds, const double* coef, double wa, double wb, double* state,
                                double* ticks, double* endState, const float* gain, float pre, float* outa,
                                float* outb, float* mxa, float* mna, float* mxb, float* mnb, float* energy) {
    using namespace lofi_dsp_detail;
    const KExtras ex = {gain, pre, outa, outb, mxa, mna, mxb, mnb, energy};
#ifdef LOFI_X86
    if (has_avx2_fma() && segs == 2) {
        kweight_avx2<1>(xa, xb, frames, tick, starts, count, bounds, coef, wa, wb, state, ticks, endState, ex);
        return;
    }
    if (has_avx2_fma() && segs == 4) {
        kweight_avx2<2>(xa, xb, frames, tick, starts, count, bounds, coef, wa, wb, state, ticks, endState, ex);
        return;
    }
#endif
    kweight_generic(xa, xb, frames, tick, segs, starts, count, bounds, coef, wa, wb, state, ticks, endState, ex);
}

/**
 * The limiter's gain curve over [a, b) of the envelope e into g (e == g: in place; see gain_curve_chunk); st carries
 * the state between calls (2 box + 9 doubles, set up by the caller). reduction (may be null): adds 1 - gain^2 of every
 * sample to its 16-sample block's entry (the caller zeroes it first).
 */
static inline void lofi_gain_curve(const float* e, float* g, int n, int a, int b, float target, int box, double release,
                                   double* st, float* reduction) {
    lofi_dsp_detail::gain_curve_chunk(e, g, n, a, b, target, box, release, st, reduction);
}

/** The hold of gain_curve_chunk alone over [a, b) (see curve_hold), for the four-lane curve. */
static inline void lofi_curve_hold(const float* e, float* g, int n, int a, int b, float target, int w) {
    lofi_dsp_detail::curve_hold(e, g, n, a, b, target, w);
}

/**
 * Steps [t0, t1) of the curve's release and smoothing on four stretches at once (see gain_curve_lanes_avx2; lane:
 * warm starts, first kept samples, ends; st: state set up by the caller and carried between calls). Only where
 * lofi_simd_level() is 1 (AVX2); elsewhere it does nothing.
 */
static inline void lofi_gain_curve_lanes(float* g, int n, const int* lane, int t0, int t1, int box, double release,
                                         double* st, float* reduction) {
#ifdef LOFI_X86
    if (lofi_dsp_detail::has_avx2_fma()) lofi_dsp_detail::gain_curve_lanes_avx2(g, n, lane, t0, t1, box, release, st, reduction);
#endif
}

#endif
