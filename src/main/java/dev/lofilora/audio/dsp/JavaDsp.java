package dev.lofilora.audio.dsp;

/**
 * The Java reference of {@link DspKernels}: the arithmetic of the portable body of {@code native/lofi_dsp.h} (float
 * accumulation, taps in order), used by the tests that hold the native kernels to it and, for the true-peak search,
 * where the native library does not load. Its resampler is a plain dot product per output, the reference only: without
 * the native library {@code Resampler} runs libswresample instead.
 */
public final class JavaDsp implements DspKernels {
    public static final JavaDsp INSTANCE = new JavaDsp();

    private JavaDsp() {}

    @Override
    public String describe() { return "Java"; }

    @Override
    public float tpPeak(float[] x, float[] bound, int b0, int b1, float best, float[] taps, int phases, int ntaps) {
        float[] y = new float[TP_BLOCK];
        for (int b = b0; b < b1; b++) {
            if (!(bound[b] > best)) continue;
            int s = b * TP_BLOCK;
            float m = 0f;
            for (int p = 0; p < phases; p++) {
                phaseBlock(x, taps, p * ntaps, ntaps, s, y);
                for (float v : y) m = Math.max(m, Math.abs(v));
            }
            if (m > best) best = m;
        }
        return best;
    }

    @Override
    public void tpPeak2(float[] x, float[] bound, int b0, int b1, float[] best, float[] tapsA, int phasesA, float[] tapsB,
                        int phasesB, int ntaps, float[] exact) {
        if (exact == null) {
            best[0] = tpPeak(x, bound, b0, b1, best[0], tapsA, phasesA, ntaps);
            best[1] = tpPeak(x, bound, b0, b1, best[1], tapsB, phasesB, ntaps);
            return;
        }
        for (int b = b0; b < b1; b++) {
            if (!(bound[b] > best[0]) && !(bound[b] > best[1])) continue;
            float a = tpPeak(x, bound, b, b + 1, 0f, tapsA, phasesA, ntaps);
            float c = tpPeak(x, bound, b, b + 1, 0f, tapsB, phasesB, ntaps);
            best[0] = Math.max(best[0], a);
            best[1] = Math.max(best[1], c);
            exact[b] = Math.max(a, c);
        }
    }

    @Override
    public void tpEnvelope(float[] x, float[] bound, int b0, int b1, float threshold, float[] taps, int phases,
                           int ntaps, int[] lagFloor, float[] env) {
        float[] y = new float[TP_BLOCK];
        int last = x.length - 1;
        for (int b = b0; b < b1; b++) {
            if (!(bound[b] > threshold)) continue;
            int s = b * TP_BLOCK;
            for (int p = 0; p < phases; p++) {
                phaseBlock(x, taps, p * ntaps, ntaps, s, y);
                for (int j = 0; j < TP_BLOCK; j++) {
                    float v = Math.abs(y[j]);
                    if (!(v > threshold)) continue;
                    int lo = s + j + lagFloor[p];
                    int a = Math.max(0, Math.min(last, lo)), c = Math.max(0, Math.min(last, lo + 1));
                    if (env[a] < v) env[a] = v;
                    if (env[c] < v) env[c] = v;
                }
            }
        }
    }

    /**
     * y[j] = output of the phase at {@code off} for input index s + j, every output summed tap by tap in order (the
     * reference arithmetic). The loop runs tap-major: it has no dependency chain, so the JIT vectorises it, and each
     * y[j] still adds its taps in the same order as an output-by-output sum.
     */
    private static void phaseBlock(float[] x, float[] taps, int off, int ntaps, int s, float[] y) {
        float c0 = taps[off];
        for (int j = 0; j < TP_BLOCK; j++) y[j] = c0 * x[s + j];
        for (int k = 1; k < ntaps; k++) {
            float c = taps[off + k];
            int o = s - k;
            for (int j = 0; j < TP_BLOCK; j++) y[j] += c * x[o + j];
        }
    }

    @Override
    public void resample(float[] x0, float[] x1, float[] y0, float[] y1, int outOffset, int count, int q0, int p0,
                         float[] bank, int tapsPadded, int L, int stepDiv, int stepMod) {
        int q = q0, p = p0;
        for (int i = 0; i < count; i++) {
            int h = p * tapsPadded;
            float a = 0f, b = 0f;
            for (int k = 0; k < tapsPadded; k++) a += bank[h + k] * x0[q + k];
            y0[outOffset + i] = a;
            if (x1 != null) {
                for (int k = 0; k < tapsPadded; k++) b += bank[h + k] * x1[q + k];
                y1[outOffset + i] = b;
            }
            q += stepDiv;
            p += stepMod;
            if (p >= L) { p -= L; q++; }
        }
    }

    @Override
    public void blockMinMax(float[] x, int blocks, float[] max, float[] min) {
        for (int b = 0; b < blocks; b++) {
            int s = b * TP_BLOCK;
            // a pairwise tree instead of a running max: independent comparisons the CPU can overlap (~2.5x faster)
            float h0 = Math.max(x[s], x[s + 1]), h1 = Math.max(x[s + 2], x[s + 3]);
            float h2 = Math.max(x[s + 4], x[s + 5]), h3 = Math.max(x[s + 6], x[s + 7]);
            float h4 = Math.max(x[s + 8], x[s + 9]), h5 = Math.max(x[s + 10], x[s + 11]);
            float h6 = Math.max(x[s + 12], x[s + 13]), h7 = Math.max(x[s + 14], x[s + 15]);
            float l0 = Math.min(x[s], x[s + 1]), l1 = Math.min(x[s + 2], x[s + 3]);
            float l2 = Math.min(x[s + 4], x[s + 5]), l3 = Math.min(x[s + 6], x[s + 7]);
            float l4 = Math.min(x[s + 8], x[s + 9]), l5 = Math.min(x[s + 10], x[s + 11]);
            float l6 = Math.min(x[s + 12], x[s + 13]), l7 = Math.min(x[s + 14], x[s + 15]);
            max[b] = Math.max(Math.max(Math.max(h0, h1), Math.max(h2, h3)), Math.max(Math.max(h4, h5), Math.max(h6, h7)));
            min[b] = Math.min(Math.min(Math.min(l0, l1), Math.min(l2, l3)), Math.min(Math.min(l4, l5), Math.min(l6, l7)));
        }
    }

    @Override
    public void pack24Stereo(float[] l, float[] r, int from, int to, float gain, byte[] out) {
        for (int i = from, p = 0; i < to; i++, p += 6) put24Stereo(out, p, quantise24(l[i] * gain), quantise24(r[i] * gain));
    }

    /** One frame of interleaved 24-bit little-endian PCM at out[p ..]. */
    private static void put24Stereo(byte[] out, int p, int a, int b) {
        out[p] = (byte) a;
        out[p + 1] = (byte) (a >> 8);
        out[p + 2] = (byte) (a >> 16);
        out[p + 3] = (byte) b;
        out[p + 4] = (byte) (b >> 8);
        out[p + 5] = (byte) (b >> 16);
    }

    /** Round half to even of v·2^23, clipped to the 24-bit range. */
    static int quantise24(float v) {
        double x = Math.rint(v * 8388608.0);
        if (x > 8388607.0) x = 8388607.0;
        if (x < -8388608.0) x = -8388608.0;
        return (int) x;
    }

    @Override
    public void unpack24Stereo(byte[] b, int n, float[] l, float[] r, int at) {
        final float scale = 1f / 8388608f; // a power of two: the same float as dividing
        int p = 0;
        for (int i = at, end = at + n; i < end; i++) {
            l[i] = ((b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8) | (b[p + 2] << 16)) * scale;
            r[i] = ((b[p + 3] & 0xFF) | ((b[p + 4] & 0xFF) << 8) | (b[p + 5] << 16)) * scale;
            p += 6;
        }
    }

    @Override
    public float unpack24StereoCheck(byte[] b, int n, float[] l, float[] r, int at, float gain, float dev) {
        final float scale = 1f / 8388608f;
        int p = 0;
        for (int i = at, end = at + n; i < end; i++) {
            float yl = ((b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8) | (b[p + 2] << 16)) * scale;
            float yr = ((b[p + 3] & 0xFF) | ((b[p + 4] & 0xFF) << 8) | (b[p + 5] << 16)) * scale;
            float dl = Math.abs(yl - l[i] * gain), dr = Math.abs(yr - r[i] * gain);
            if (dl != dl || dr != dr) dev = Float.NaN;
            else if (dev == dev) dev = Math.max(dev, Math.max(dl, dr));
            l[i] = yl;
            r[i] = yr;
            p += 6;
        }
        return dev;
    }

    /** The Java curve is {@code dev.lofilora.audio.loudness.GainCurve}, which calls this first. */
    @Override
    public boolean gainCurve(float[] envelope, float[] g, float target, int box, double release, float[] reduction) {
        return false;
    }

    @Override
    public void kWeight(float[] xa, float[] xb, int frames, int tick, int[] starts, int count, int[] bounds,
                        double[] coef, double wa, double wb, double[] state, double[] ticks, double[] endState,
                        KWeightExtras extras) {
        final double b0 = coef[0], b1 = coef[1], b2 = coef[2], a1 = coef[3], a2 = coef[4], h1 = coef[5], h2 = coef[6];
        final int segs = starts.length;
        NativeKernels.checkKWeight(xa, xb, frames, tick, starts, count, bounds, coef, state, ticks, endState);
        if (extras != null) NativeKernels.checkExtras(extras, frames, tick, bounds[segs]);
        final float[] gain = extras != null ? extras.gain() : null;
        final float pre = extras != null ? extras.pre() : 1f;
        final double[][] blockSums = extras != null && extras.energy() != null
                ? new double[2][tick / TP_BLOCK] : null; // this tick's block energies, per channel
        for (int k = 0; k < count; k++) {
            for (int seg = 0; seg < segs; seg++) {
                int t = starts[seg] + k;
                boolean stored = t >= bounds[seg] && t < bounds[seg + 1]; // the segment that owns tick t stores it
                double accA = 0, accB = 0;
                for (int c = 0; c < 2; c++) {
                    float[] x = c == 0 ? xa : xb;
                    float[] out = extras == null ? null : c == 0 ? extras.outA() : extras.outB();
                    float[] mx = extras == null ? null : c == 0 ? extras.maxA() : extras.maxB();
                    float[] mn = extras == null ? null : c == 0 ? extras.minA() : extras.minB();
                    int st = 4 * (2 * seg + c);
                    double s1 = state[st], s2 = state[st + 1], u1 = state[st + 2], u2 = state[st + 3], acc = 0;
                    float hi = 0f, lo = 0f;
                    float[] energy = extras == null || !stored ? null : extras.energy();
                    double bacc = 0;
                    for (int i = t * tick, e = i + tick; i < e; i++) {
                        float v = i >= frames ? 0f : gain != null ? x[i] * pre * gain[i] : x[i];
                        if (stored && out != null) out[i] = v;
                        if (stored && mx != null) { // Math.max/min: a NaN in the block makes both NaN
                            if (i % TP_BLOCK == 0) { hi = v; lo = v; }
                            hi = Math.max(hi, v);
                            lo = Math.min(lo, v);
                            if (i % TP_BLOCK == TP_BLOCK - 1) { mx[i / TP_BLOCK] = hi; mn[i / TP_BLOCK] = lo; }
                        }
                        double in = v;
                        double y = b0 * in + s1;
                        s1 = b1 * in - a1 * y + s2;
                        s2 = b2 * in - a2 * y;
                        double z = y + u1;
                        u1 = -2.0 * y - h1 * z + u2;
                        u2 = y - h2 * z;
                        acc += z * z;
                        if (energy != null) {
                            bacc += z * z;
                            if (i % TP_BLOCK == TP_BLOCK - 1) {
                                blockSums[c][(i - t * tick) / TP_BLOCK] = bacc;
                                bacc = 0;
                            }
                        }
                    }
                    state[st] = Math.abs(s1) < 1e-30 ? 0 : s1;
                    state[st + 1] = Math.abs(s2) < 1e-30 ? 0 : s2;
                    state[st + 2] = Math.abs(u1) < 1e-30 ? 0 : u1;
                    state[st + 3] = Math.abs(u2) < 1e-30 ? 0 : u2;
                    if (c == 0) accA = acc; else accB = acc;
                }
                double e = wa * accA + wb * accB;
                if (stored) ticks[t] = e;
                if (stored && extras != null && extras.energy() != null) {
                    for (int q = 0; q < tick / TP_BLOCK; q++) {
                        extras.energy()[t * (tick / TP_BLOCK) + q] = (float) (wa * blockSums[0][q] + wb * blockSums[1][q]);
                    }
                }
                if (seg == segs - 1 && t == bounds[segs] - 1) System.arraycopy(state, 8 * seg, endState, 0, 8);
            }
        }
    }

    /**
     * Inside a frame, chunks of {@value #QC_CHUNK} samples are summed in float (four interleaved accumulators per sum:
     * independent chains the CPU overlaps) and added up in double. Each chunk also takes its largest |x| as integer
     * bits (for non-negative floats the order of the bit patterns is the order of the values; NaN sorts above and is
     * then walked exactly), and only a chunk that reaches the clip level is walked sample by sample for clipping runs:
     * a chunk entirely under it ends any open run, which is exactly what walking it would do.
     */
    @Override
    public void qcStats(float[] x, float[] partner, int f0, int f1, int frame, float clipLevel, int clipMinRun,
                        double[] sums, double[] frameEnergy, int[] clip) {
        float[] p = partner != null ? partner : x; // read something harmless; the caller drops the cross sum
        int n = x.length;
        int levelBits = Float.floatToRawIntBits(clipLevel);
        double sm = 0, sq = 0, cr = 0;
        int[] cs = clip;
        for (int f = f0; f < f1; f++) {
            int i = f * frame, e = Math.min(n, i + frame);
            double fq = 0;
            for (; i + QC_CHUNK <= e; i += QC_CHUNK) {
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
                int m = 0;
                for (int j = i; j < i + QC_CHUNK; j += 4) {
                    float a = x[j], b = x[j + 1], c = x[j + 2], d = x[j + 3];
                    s0 += a; s1 += b; s2 += c; s3 += d;
                    q0 += a * a; q1 += b * b; q2 += c * c; q3 += d * d;
                    c0 += a * p[j]; c1 += b * p[j + 1]; c2 += c * p[j + 2]; c3 += d * p[j + 3];
                    m = Math.max(m, Math.max(Math.max(Float.floatToRawIntBits(a) & 0x7fffffff, Float.floatToRawIntBits(b) & 0x7fffffff),
                            Math.max(Float.floatToRawIntBits(c) & 0x7fffffff, Float.floatToRawIntBits(d) & 0x7fffffff)));
                }
                sm += (s0 + s1) + (s2 + s3);
                fq += (q0 + q1) + (q2 + q3);
                cr += (c0 + c1) + (c2 + c3);
                if (m >= levelBits) {
                    for (int j = i; j < i + QC_CHUNK; j++) clipStep(x[j], clipLevel, clipMinRun, cs);
                } else if (cs[1] > 0) {
                    endRun(clipMinRun, cs);
                }
            }
            for (; i < e; i++) {
                float v = x[i];
                sm += v;
                fq += v * v; // a float product
                cr += (double) v * p[i];
                clipStep(v, clipLevel, clipMinRun, cs);
            }
            frameEnergy[f] = fq;
            sq += fq;
        }
        sums[0] += sm;
        sums[1] += sq;
        sums[2] += cr;
    }

    private static void clipStep(float v, float level, int minRun, int[] cs) {
        if (Math.abs(v) >= level) { // false for NaN
            if (v != Float.intBitsToFloat(cs[2])) { // a new value starts a new run
                if (cs[1] >= minRun) cs[0]++;
                cs[1] = 0;
            }
            cs[1]++;
            cs[2] = Float.floatToRawIntBits(v);
        } else if (cs[1] > 0) {
            endRun(minRun, cs);
        }
    }

    private static void endRun(int minRun, int[] cs) {
        if (cs[1] >= minRun) cs[0]++;
        cs[1] = 0;
        cs[2] = Float.floatToRawIntBits(Float.NaN);
    }

    @Override
    public void pack24StereoCurve(float[] l, float[] r, float[] curve, int from, int to, float gain, byte[] out) {
        for (int i = from, p = 0; i < to; i++, p += 6) {
            put24Stereo(out, p, quantise24(l[i] * gain * curve[i]), quantise24(r[i] * gain * curve[i]));
        }
    }

    @Override
    public void curveStats(float[] g, int from, int to, float below, double[] acc) {
        float m = (float) acc[0];
        long count = 0;
        for (int i = from; i < to; i++) {
            float v = g[i];
            m = v < m ? v : m;
            count += v < below ? 1 : 0;
        }
        acc[0] = m;
        acc[1] += count;
    }

    @Override
    public void blockBound(float[] max, float[] min, int b0, int b1, int full, float pa, float pz, float sum,
                           float absSum, float[] bound, float[] acc, int[] at) {
        float hs = sum * 0.5f, ha = absSum * 0.5f;
        float top = acc[0], hi = acc[1], lo = acc[2];
        int topAt = at[0];
        for (int b = b0; b < b1; b++) {
            float a = max[b], z = min[b];
            float h = Math.max(a, pa), l = Math.min(z, pz);
            float smooth = hs * Math.abs(h + l) + ha * (h - l);
            float any = absSum * Math.max(h, -l);
            float bd = Math.min(smooth, any);
            bound[b] = bd;
            if (bd > top) { top = bd; topAt = b; }
            if (b < full) { hi = Math.max(hi, a); lo = Math.min(lo, z); }
            pa = a;
            pz = z;
        }
        acc[0] = top;
        acc[1] = hi;
        acc[2] = lo;
        at[0] = topAt;
    }

    @Override
    public double ltasWindow(float[] l, float[] r, int start, int n, float[] w, float[] z) {
        double energy = 0;
        for (int i = 0; i < n; i++) {
            float a = l[start + i], b = r == null ? 0f : r[start + i];
            double a2 = (double) a * a, b2 = (double) b * b;
            energy += a2 > b2 ? a2 : b2; // Math.max without its NaN care: the audio here is finite
            z[2 * i] = a * w[i];
            z[2 * i + 1] = b * w[i];
        }
        return energy;
    }

    @Override
    public void ltasPower(float[] z, int n, double[] power) {
        for (int k = 0; k <= n / 2; k++) {
            int m = (n - k) & (n - 1);
            double rek = z[2 * k], imk = z[2 * k + 1], rem = z[2 * m], imm = z[2 * m + 1];
            // L = (Z[k] + conj Z[n-k]) / 2, R = (Z[k] - conj Z[n-k]) / 2i
            double lr = 0.5 * (rek + rem), li = 0.5 * (imk - imm);
            double rr = 0.5 * (imk + imm), ri = -0.5 * (rek - rem);
            power[k] += lr * lr + li * li + rr * rr + ri * ri;
        }
    }
}
