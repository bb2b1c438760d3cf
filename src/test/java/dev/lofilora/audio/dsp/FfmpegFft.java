package dev.lofilora.audio.dsp;

import org.bytedeco.ffmpeg.avutil.AVTXContext;
import org.bytedeco.ffmpeg.avutil.av_tx_fn;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerPointer;

import static org.bytedeco.ffmpeg.global.avutil.AV_TX_DOUBLE_FFT;
import static org.bytedeco.ffmpeg.global.avutil.av_tx_init;
import static org.bytedeco.ffmpeg.global.avutil.av_tx_uninit;

/**
 * Complex forward FFT of one power-of-two size in double precision, by FFmpeg's libavutil ({@code av_tx},
 * {@code AV_TX_DOUBLE_FFT}): the reference {@link FfmpegFftFloat} (what the bandwidth check runs) is held to in
 * tests (unnormalised, {@code X[k] = sum x[n] e^(-2πikn/N)}). Not thread-safe (one per thread); close it to free the
 * native context.
 */
public final class FfmpegFft implements AutoCloseable {
    private final int n;
    private final AVTXContext ctx = new AVTXContext(null);
    /**
     * Where av_tx_init stores the transform's function pointer: JavaCPP calls an {@link av_tx_fn} through the pointer
     * at its address, so this slot doubles as the callable.
     */
    private final PointerPointer<?> fnSlot = new PointerPointer<>(1);
    private final av_tx_fn fn = new av_tx_fn(fnSlot);
    private final DoublePointer in, out;
    private final double[] buf;

    public FfmpegFft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two: " + n);
        this.n = n;
        try (DoublePointer scale = new DoublePointer(1).put(1.0)) {
            int r = av_tx_init(ctx, fn, AV_TX_DOUBLE_FFT, 0, n, scale, 0);
            if (r < 0 || ctx.isNull() || fnSlot.get(0) == null) {
                throw new IllegalStateException("av_tx_init(AV_TX_DOUBLE_FFT, " + n + ") failed: " + r);
            }
        }
        in = new DoublePointer(2L * n);
        out = new DoublePointer(2L * n);
        buf = new double[2 * n];
    }

    public int size() { return n; }

    /** Forward transform of (re, im), in place. */
    public void forward(double[] re, double[] im) {
        if (re.length != n || im.length != n) throw new IllegalArgumentException("arrays of " + n + " expected");
        for (int i = 0; i < n; i++) {
            buf[2 * i] = re[i];
            buf[2 * i + 1] = im[i];
        }
        in.put(buf);
        fn.call(ctx, out, in, 16); // stride: one AVComplexDouble
        out.get(buf);
        for (int i = 0; i < n; i++) {
            re[i] = buf[2 * i];
            im[i] = buf[2 * i + 1];
        }
    }

    /**
     * Forward transform in place of {@code z}, interleaved ({@code z[2k]} real, {@code z[2k + 1]} imaginary part of
     * point k, 2n values): what FFmpeg reads and writes, so no (de)interleaving copies.
     */
    public void forwardInterleaved(double[] z) {
        if (z.length != 2 * n) throw new IllegalArgumentException(2 * n + " interleaved values expected");
        in.put(z);
        fn.call(ctx, out, in, 16);
        out.get(z);
    }

    @Override
    public void close() {
        av_tx_uninit(ctx);
        in.close();
        out.close();
        fnSlot.close();
    }
}
