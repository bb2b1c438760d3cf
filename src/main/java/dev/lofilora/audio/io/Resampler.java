package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.Parallel;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import dev.lofilora.audio.dsp.JavaDsp;
import dev.lofilora.common.LofiException;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

/**
 * Sample-rate conversion of planar float audio.
 *
 * <p>Engine: libswresample's polyphase filter with a longer, steeper Kaiser-windowed sinc than its defaults (see
 * {@link Settings#HIGH_QUALITY}), computed by the project's SIMD kernels ({@link PolyphaseResampler}: the same filter
 * and alignment, about three times faster than libswresample running it) when the native library is there and the
 * ratio has at most 1024 phases (every common rate); otherwise by libswresample itself: its soxr engine when the
 * FFmpeg build has libsoxr (precision 28 bits, SoX "VHQ"; the bytedeco 8.0.1 build has not), else its own engine
 * with the same settings. {@link #engine()} says which one runs, for the report.
 *
 * <p>Contract: zero-delay (the output is time-aligned with the input; libswresample centres its filter), output
 * length {@code round(frames · outRate / inRate)}, channels unchanged, input untouched. Equal rates return the input
 * itself. Thread-safe: every call builds its own native context and frees it before returning; filter banks of the
 * polyphase engine are built once per settings and ratio, and shared by every instance.
 */
public final class Resampler {
    /**
     * Parameters of libswresample's own engine.
     *
     * @param filterSize  taps of the sinc filter per output sample at the lower of the two rates (swr default 32)
     * @param phaseShift  log2 of the number of filter phases (swr default 10); with exact rational ratios every
     *                    ratio used here (e.g. 44.1→48 kHz, 160 phases) is exact
     * @param cutoff      cutoff as a fraction of the lower Nyquist frequency (swr default 0.97)
     * @param kaiserBeta  Kaiser window β (swr default 9): sets the stopband depth
     */
    public record Settings(int filterSize, int phaseShift, double cutoff, double kaiserBeta) {
        /**
         * Chosen by measurement (ResamplerTest): passband within 0.0004 dB up to 0.9 × the lower Nyquist frequency,
         * aliases of tones from 1.02 × the output Nyquist up ≤ −123 dB, images ≤ −128 dB; 0.9–1.02 × Nyquist is
         * the transition band. The swr defaults (32 taps, β 9, cutoff 0.97) lose 1.0 dB at 21.6 kHz (96 → 48 kHz)
         * and let aliases through at −15 dB. Cost: about 134 multiply-adds per output sample and channel.
         */
        public static final Settings HIGH_QUALITY = new Settings(128, 10, 0.955, 12.5);

        public String describe() {
            return "swr (filter_size " + filterSize + ", phase_shift " + phaseShift + ", cutoff " + cutoff
                    + ", kaiser_beta " + kaiserBeta + ", exact_rational)";
        }
    }

    private static final int CHUNK = 1 << 16;
    private static volatile Boolean soxrAvailable;

    private final Settings settings;
    private final boolean useSoxr;
    /** The kernels of the polyphase engine, or null for libswresample. */
    private final DspKernels kernels;
    /**
     * Filter banks of the polyphase engine by settings and rate pair, shared by every Resampler (a job makes a new one
     * per run; designing a 44.1 → 48 kHz bank, 20 480 Kaiser-windowed sinc taps, costs milliseconds).
     */
    private static final Map<String, Optional<PolyphaseResampler>> DESIGNS = new ConcurrentHashMap<>();

    private Resampler(Settings settings, boolean useSoxr, DspKernels kernels) {
        this.settings = settings;
        this.useSoxr = useSoxr;
        this.kernels = kernels;
    }

    /**
     * The best engine this build has: the polyphase engine on the native kernels with {@link Settings#HIGH_QUALITY};
     * without the native library (or with {@code -Dlofi.dsp=java}) soxr (VHQ) if present, else swr with the same
     * settings.
     */
    public static Resampler highQuality() {
        if (Dsp.usingNative()) return new Resampler(Settings.HIGH_QUALITY, false, Dsp.kernels());
        return new Resampler(Settings.HIGH_QUALITY, soxrAvailable(), null);
    }

    /** libswresample's own engine with the given settings (for tests and comparisons). */
    public static Resampler swr(Settings settings) {
        return new Resampler(settings, false, null);
    }

    /** The polyphase engine (libswresample's filter) on the given kernels, for tests and comparisons. */
    public static Resampler polyphase(Settings settings, DspKernels kernels) {
        return new Resampler(settings, false, java.util.Objects.requireNonNull(kernels));
    }

    /** Whether this FFmpeg build has libswresample's soxr engine (it needs FFmpeg built with libsoxr). */
    public static boolean soxrAvailable() {
        Boolean b = soxrAvailable;
        if (b == null) {
            Ffmpeg.init();
            try (PointerScope scope = new PointerScope()) {
                SwrContext s = null;
                try {
                    s = allocate(2, 44100, 48000);
                    av_opt_set_int(s, "resampler", SWR_ENGINE_SOXR, 0);
                    b = swr_init(s) >= 0;
                } finally {
                    if (s != null) swr_free(s);
                }
            }
            soxrAvailable = b;
        }
        return b;
    }

    /** The engine and its parameters, as recorded in reports. */
    public String engine() {
        if (kernels != null) {
            return "polyphase (libswresample's filter: filter_size " + settings.filterSize() + ", cutoff "
                    + settings.cutoff() + ", kaiser_beta " + settings.kaiserBeta() + ", exact_rational; "
                    + (kernels == JavaDsp.INSTANCE ? "Java" : "native") + " kernels; swr for ratios over "
                    + PolyphaseResampler.MAX_PHASES + " phases)";
        }
        return useSoxr ? "soxr (precision 28, linear phase)" : settings.describe();
    }

    /** Converts {@code in} to {@code outRate}. */
    public AudioBuffer resample(AudioBuffer in, int outRate) {
        return resample(in, outRate, Parallel.SERIAL);
    }

    /**
     * As {@link #resample(AudioBuffer, int)}, the polyphase engine's outputs split across {@code parallel}'s
     * threads (the same bytes whatever the split: every output is computed alone).
     */
    public AudioBuffer resample(AudioBuffer in, int outRate, Parallel parallel) {
        if (in.sampleRate() == outRate) return in;
        if (kernels != null) {
            PolyphaseResampler p = DESIGNS.computeIfAbsent(settings + " " + in.sampleRate() + " " + outRate,
                    k -> Optional.ofNullable(PolyphaseResampler.design(in.sampleRate(), outRate, settings))).orElse(null);
            if (p != null) return polyphase(p, in, parallel);
        }
        return swrResample(in, outRate);
    }

    private AudioBuffer polyphase(PolyphaseResampler p, AudioBuffer in, Parallel parallel) {
        long want = p.outputFrames(in.frames());
        if (want > Integer.MAX_VALUE - 16) throw new LofiException("audio too long to resample in one piece", "split it");
        float[][] out = new float[in.channels()][(int) want];
        int n = (int) want;
        int parts = Math.max(1, Math.min(parallel.threads(), n / 8192)); // a part of at least ~0.2 s of audio
        parallel.run(parts, part -> p.run(in.samples(), out, (int) ((long) n * part / parts),
                (int) ((long) n * (part + 1) / parts), kernels));
        return new AudioBuffer(out, p.outRate);
    }

    private AudioBuffer swrResample(AudioBuffer in, int outRate) {
        Ffmpeg.init();
        int ch = in.channels();
        int frames = in.frames();
        long want = Math.round(frames * (double) outRate / in.sampleRate());
        float[][] out = new float[ch][(int) want];
        try (PointerScope scope = new PointerScope()) {
            SwrContext s = null;
            try {
                s = allocate(ch, in.sampleRate(), outRate);
                configure(s);
                int r = swr_init(s);
                if (r < 0) throw LofiException.internal(null, "cannot start the resampler (" + engine() + "): " + Ffmpeg.error(r),
                        "report this with the FFmpeg build in use", null);
                int outCap = (int) Math.ceil(CHUNK * (double) outRate / in.sampleRate()) + 1024;
                FloatPointer[] inBuf = new FloatPointer[ch];
                FloatPointer[] outBuf = new FloatPointer[ch];
                PointerPointer<FloatPointer> inPtrs = new PointerPointer<>(ch);
                PointerPointer<FloatPointer> outPtrs = new PointerPointer<>(ch);
                for (int c = 0; c < ch; c++) {
                    inBuf[c] = new FloatPointer(CHUNK);
                    outBuf[c] = new FloatPointer(outCap);
                    inPtrs.put(c, inBuf[c]);
                    outPtrs.put(c, outBuf[c]);
                }
                int written = 0;
                for (int pos = 0; pos <= frames; pos += CHUNK) {
                    int n = Math.min(CHUNK, frames - pos);
                    int got;
                    if (n > 0) {
                        for (int c = 0; c < ch; c++) inBuf[c].position(0).put(in.samples()[c], pos, n);
                        got = swr_convert(s, outPtrs, outCap, inPtrs, n);
                    } else {
                        got = 0;
                    }
                    written = copyOut(outBuf, got, out, written);
                    if (n < CHUNK) break;
                }
                // Drain the filter's tail (the last half filter length of output).
                while (written < want) {
                    int got = swr_convert(s, outPtrs, outCap, (PointerPointer<?>) null, 0);
                    if (got <= 0) break;
                    written = copyOut(outBuf, got, out, written);
                }
            } finally {
                if (s != null) swr_free(s);
            }
        }
        return new AudioBuffer(out, outRate);
    }

    private static int copyOut(FloatPointer[] src, int got, float[][] out, int written) {
        if (got < 0) throw LofiException.internal(null, "resampling failed: " + Ffmpeg.error(got), "report this", null);
        int n = Math.min(got, out[0].length - written); // anything past round(N·out/in) is filter ringing; drop it
        for (int c = 0; c < out.length; c++) src[c].position(0).get(out[c], written, n);
        return written + n;
    }

    private void configure(SwrContext s) {
        if (useSoxr) {
            av_opt_set_int(s, "resampler", SWR_ENGINE_SOXR, 0);
            av_opt_set_int(s, "precision", 28, 0);
        } else {
            av_opt_set_int(s, "resampler", SWR_ENGINE_SWR, 0);
            av_opt_set_int(s, "filter_size", settings.filterSize(), 0);
            av_opt_set_int(s, "phase_shift", settings.phaseShift(), 0);
            av_opt_set_double(s, "cutoff", settings.cutoff(), 0);
            av_opt_set_int(s, "filter_type", SWR_FILTER_TYPE_KAISER, 0);
            av_opt_set_double(s, "kaiser_beta", settings.kaiserBeta(), 0);
            av_opt_set_int(s, "exact_rational", 1, 0);
            av_opt_set_int(s, "linear_interp", 0, 0);
        }
    }

    /** A context for planar float in and out, same channel layout (no remixing), different rates. */
    private static SwrContext allocate(int channels, int inRate, int outRate) {
        AVChannelLayout layout = new AVChannelLayout();
        try {
            Ffmpeg.defaultLayout(layout, channels);
            SwrContext s = new SwrContext(null);
            int r = swr_alloc_set_opts2(s, layout, AV_SAMPLE_FMT_FLTP, outRate, layout, AV_SAMPLE_FMT_FLTP, inRate, 0, null);
            if (r < 0) throw LofiException.internal(null, "cannot set up the resampler: " + Ffmpeg.error(r), "report this", null);
            return s;
        } finally {
            av_channel_layout_uninit(layout);
        }
    }

    @Override
    public String toString() { return engine(); }
}
