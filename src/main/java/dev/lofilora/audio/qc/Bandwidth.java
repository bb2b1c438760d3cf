package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import dev.lofilora.audio.dsp.FfmpegFftFloat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Audio bandwidth from the long-term average spectrum (LTAS), and the shape of its upper edge.
 *
 * <p><b>Bandwidth</b>: the highest frequency whose smoothed LTAS is within {@code dropDb} of the reference level
 * (the mean, in dB, of the LTAS between 2 and 10 kHz).
 *
 * <p><b>Edge</b>: lossy encoders (MP3, AAC, Vorbis) low-pass their input just under what their bit rate can carry
 * (LAME: about 17 kHz at 128 kbit/s, 19 kHz at 192k, 20 kHz at 320k) and code nothing above: the spectrum falls off a
 * cliff, tens of dB within a few hundred Hz, to the decoder's floor. A muffled master (the lofi sound: a 2nd- or
 * 4th-order low-pass at a few kHz, tape, vinyl) rolls off gently: a few dB per kHz up there. The edge search looks,
 * from 4 kHz to {@value #EDGE_MAX_NYQUIST} of the Nyquist frequency (above it sits the sample rate's own
 * anti-alias filter), for the frequency with the largest drop between the mean level of
 * [f − {@value #EDGE_SIDE_HZ} Hz, f − {@value #EDGE_GAP_HZ} Hz] and of [f + {@value #EDGE_GAP_HZ} Hz,
 * f + {@value #EDGE_SIDE_HZ} Hz]; a drop of {@value #BRICK_WALL_DB} dB or more, with nothing above the edge coming
 * back within {@value #BRICK_WALL_DB} dB of the level under it, is a brick wall.
 *
 * <p>The LTAS averages the power spectra (Hann window, about 6 Hz resolution: 8192 points at 48 kHz) of up to
 * {@value #MAX_FRAMES} frames spread evenly over the file, skipping silent frames; reading every frame would cost
 * ~20x more and the long-term spectrum of music is stable well before that. Both channels of a stereo file go
 * through one complex FFT (L as the real part, R as the imaginary part, separated afterwards), and their powers are
 * summed, so out-of-phase content is not cancelled as in a mono downmix. The FFT is FFmpeg's, in single precision
 * ({@link FfmpegFftFloat}: SIMD code, about twice as fast a check as the double transform's plain C): its rounding
 * floor sits some 130 dB under the frame's level, below any recording's noise floor; only synthetic spectra that fall
 * further (48 dB/octave filters on 24-bit) read a tenth of a dB differently at their edge.
 */
final class Bandwidth {
    static final int MAX_FRAMES = 48;
    /** Half-width of the smoothing of the LTAS before the threshold search. */
    private static final double SMOOTH_HZ = 150.0;
    /** Half-width of the light smoothing the edge search reads (keeps the edge sharp). */
    private static final double EDGE_SMOOTH_HZ = 40.0;
    static final double EDGE_GAP_HZ = 150.0;
    static final double EDGE_SIDE_HZ = 1000.0;
    static final double EDGE_MIN_HZ = 4000.0;
    static final double EDGE_MAX_NYQUIST = 0.90;
    /** The level above an edge is read up to here: closer to the Nyquist frequency a digital filter's response plunges. */
    static final double READ_MAX_NYQUIST = 0.93;
    /** The drop across an edge that makes it a brick wall. */
    static final double BRICK_WALL_DB = 25.0;
    /** Points of the spectrum kept for the report's thumbnail (log-spaced from 40 Hz to the Nyquist frequency). */
    static final int THUMBNAIL_POINTS = 64;

    private Bandwidth() {}

    /**
     * @param cutoffHz the bandwidth (NaN when nothing could be analysed)
     * @param edgeHz   the frequency of the steepest drop (NaN when none was searched)
     * @param edgeDb   that drop in dB
     * @param brickWall whether the drop is a brick wall (an encoder's low-pass, or material upsampled from a lower rate)
     * @param spectrum the LTAS for the report, or null
     */
    record Analysis(double cutoffHz, double edgeHz, double edgeDb, boolean brickWall, Spectrum spectrum) {
        static final Analysis NONE = new Analysis(Double.NaN, Double.NaN, 0, false, null);
    }

    /** The bandwidth in Hz, or NaN when no frame is louder than {@code silenceDbfs} (or the file is too short). */
    static double cutoffHz(AudioBuffer audio, double dropDb, double silenceDbfs) {
        return analyse(audio, dropDb, silenceDbfs).cutoffHz();
    }

    static Analysis analyse(AudioBuffer audio, double dropDb, double silenceDbfs) {
        int fs = audio.sampleRate();
        int n = Integer.highestOneBit(Math.max(256, fs / 6 - 1)) << 1; // power of two >= fs/6
        while (n > audio.frames() && n > 256) n >>= 1;
        if (n > audio.frames()) return Analysis.NONE;
        double[] power = ltas(audio, n, silenceDbfs);
        if (power == null) return Analysis.NONE;
        double binHz = fs / (double) n;
        double[] db = smoothedDb(power, Math.max(1, (int) Math.round(SMOOTH_HZ / binHz)));
        int lo = (int) Math.ceil(2000 / binHz);
        int hi = Math.min(db.length - 1, (int) Math.floor(Math.min(10000, 0.45 * fs) / binHz));
        if (hi <= lo) return Analysis.NONE;
        double ref = 0;
        for (int k = lo; k <= hi; k++) ref += db[k];
        ref /= (hi - lo + 1);
        double threshold = ref - dropDb;
        double cutoff = 0.0;
        for (int k = db.length - 1; k > 0; k--) {
            if (db[k] >= threshold) {
                cutoff = k * binHz;
                break;
            }
        }
        double[] fine = smoothedDb(power, Math.max(1, (int) Math.round(EDGE_SMOOTH_HZ / binHz)));
        double[] edge = steepestEdge(fine, binHz, fs / 2.0);
        return new Analysis(cutoff, edge[0], edge[1], edge[2] > 0, Spectrum.of(db, binHz, ref, THUMBNAIL_POINTS));
    }

    /** {frequency, drop dB, 1 if a brick wall else 0} of the steepest drop; {NaN, 0, 0} when the band is too narrow. */
    static double[] steepestEdge(double[] db, double binHz, double nyquist) {
        int gap = (int) Math.round(EDGE_GAP_HZ / binHz), side = (int) Math.round(EDGE_SIDE_HZ / binHz);
        int from = (int) Math.ceil(EDGE_MIN_HZ / binHz);
        int to = (int) Math.floor(EDGE_MAX_NYQUIST * nyquist / binHz);
        int end = Math.min(db.length, (int) Math.floor(READ_MAX_NYQUIST * nyquist / binHz)); // exclusive
        if (to <= from) return new double[] {Double.NaN, 0, 0};
        double[] prefix = new double[db.length + 1];
        for (int k = 0; k < db.length; k++) prefix[k + 1] = prefix[k] + db[k];
        int best = -1;
        double bestDrop = Double.NEGATIVE_INFINITY;
        for (int k = from; k <= to; k++) {
            int aHi = k - gap, aLo = Math.max(0, k - side);
            int bLo = k + gap, bHi = Math.min(end, k + side);
            if (bHi - bLo < side / 4) break;
            double below = (prefix[aHi] - prefix[aLo]) / (aHi - aLo);
            double above = (prefix[bHi] - prefix[bLo]) / (bHi - bLo);
            if (below - above > bestDrop) {
                bestDrop = below - above;
                best = k;
            }
        }
        int aHi = best - gap, aLo = Math.max(0, best - side);
        double below = (prefix[aHi] - prefix[aLo]) / (aHi - aLo);
        double rest = Double.NEGATIVE_INFINITY; // nothing above the edge may come back up (a notch is not an edge)
        for (int k = best + gap; k < end; k++) rest = Math.max(rest, db[k]);
        boolean wall = bestDrop >= BRICK_WALL_DB && rest <= below - BRICK_WALL_DB;
        return new double[] {best * binHz, bestDrop, wall ? 1 : 0};
    }

    /** Average power per bin 0..n/2 over up to MAX_FRAMES non-silent frames, or null if all are silent. */
    private static double[] ltas(AudioBuffer audio, int n, double silenceDbfs) {
        float[][] x = audio.samples();
        float[] left = x[0];
        float[] right = x.length > 1 ? x[1] : null;
        int frames = Math.min(MAX_FRAMES, audio.frames() / n);
        Hann hann = hann(n);
        float[] window = hann.w;
        double quiet = Math.pow(10.0, silenceDbfs / 10.0) * n;
        double[] power = new double[n / 2 + 1];
        float[] z = new float[2 * n]; // interleaved: L windowed as the real part, R as the imaginary part
        int used = 0;
        long span = audio.frames() - n;
        FfmpegFftFloat fft = borrowFft(n);
        DspKernels kernels = Dsp.kernels(); // the two loops around the FFT, native where it loads (JavaDsp: the reference)
        try {
            for (int f = 0; f < frames; f++) {
                int start = frames == 1 ? 0 : (int) (span * f / (frames - 1));
                double energy = kernels.ltasWindow(left, right, start, n, window, z);
                if (energy < quiet) continue;
                fft.forwardInterleaved(z);
                kernels.ltasPower(z, n, power);
                used++;
            }
        } catch (RuntimeException | Error e) {
            fft.close();
            throw e;
        }
        returnFft(fft);
        if (used == 0) return null;
        double norm = 1.0 / (used * hann.sumSquares);
        for (int k = 0; k < power.length; k++) power[k] *= norm;
        return power;
    }

    /** A Hann window of n points and the sum of its squares. */
    private record Hann(float[] w, double sumSquares) {}

    /** Windows by size: a few sample rates give a few sizes, and 8192 cosines cost about as much as two FFTs. */
    private static final ConcurrentHashMap<Integer, Hann> WINDOWS = new ConcurrentHashMap<>();
    /**
     * Idle FFT contexts by size, reused across files (setting one up costs about two transforms); at most one per
     * thread that ever ran the check at once, each a few hundred kB of native memory kept for the life of the JVM.
     */
    private static final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<FfmpegFftFloat>> FFTS = new ConcurrentHashMap<>();

    private static Hann hann(int n) {
        return WINDOWS.computeIfAbsent(n, k -> {
            float[] w = new float[k];
            double sum2 = 0;
            for (int i = 0; i < k; i++) {
                w[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / k));
                sum2 += (double) w[i] * w[i];
            }
            return new Hann(w, sum2);
        });
    }

    private static FfmpegFftFloat borrowFft(int n) {
        FfmpegFftFloat f = FFTS.computeIfAbsent(n, k -> new ConcurrentLinkedQueue<>()).poll();
        return f != null ? f : new FfmpegFftFloat(n);
    }

    private static void returnFft(FfmpegFftFloat f) {
        FFTS.get(f.size()).offer(f);
    }

    private static double[] smoothedDb(double[] p, int half) {
        // direct sums, not prefix-sum differences: the spectrum spans >150 dB and differences would cancel
        double[] db = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            int a = Math.max(0, k - half), b = Math.min(p.length, k + half + 1);
            double s = 0;
            for (int j = a; j < b; j++) s += p[j];
            db[k] = 10.0 * Math.log10(s / (b - a) + 1e-30);
        }
        return db;
    }
}
