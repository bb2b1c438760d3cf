package dev.lofilora.audio.dsp;

import org.bytedeco.ffmpeg.avutil.AVTXContext;
import org.bytedeco.ffmpeg.avutil.av_tx_fn;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import static org.bytedeco.ffmpeg.global.avutil.AV_TX_FLOAT_FFT;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_tx_init;
import static org.bytedeco.ffmpeg.global.avutil.av_tx_uninit;

/**
 * Complex forward FFT of one power-of-two size in single precision, by FFmpeg's libavutil ({@code av_tx},
 * {@code AV_TX_FLOAT_FFT}): FFmpeg has AVX2/FMA3 code for the float transform and plain C for the double one
 * (the tests' reference FfmpegFft), about three times slower at the bandwidth check's 8192 points. Unnormalised,
 * {@code X[k] = sum x[n] e^(-2πikn/N)}; rounding error about 1e-7 of the transform's largest values. Not thread-safe
 * (one per thread); close it to free the native context.
 */
public final class FfmpegFftFloat implements AutoCloseable {
    private final int n;
    private final AVTXContext ctx = new AVTXContext(null);
    /** Where av_tx_init stores the function pointer; JavaCPP calls the {@link av_tx_fn} at this address. */
    private final PointerPointer<?> fnSlot = new PointerPointer<>(1);
    private final av_tx_fn fn = new av_tx_fn(fnSlot);
    private final FloatPointer in, out;

    public FfmpegFftFloat(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two: " + n);
        this.n = n;
        try (FloatPointer scale = new FloatPointer(1).put(1f)) {
            int r = av_tx_init(ctx, fn, AV_TX_FLOAT_FFT, 0, n, scale, 0);
            if (r < 0 || ctx.isNull() || fnSlot.get(0) == null) {
                throw new IllegalStateException("av_tx_init(AV_TX_FLOAT_FFT, " + n + ") failed: " + r);
            }
        }
        // av_tx's SIMD code needs buffers aligned as av_malloc aligns them (JavaCPP's malloc gives only 16 bytes)
        in = aligned(2L * n);
        out = aligned(2L * n);
    }

    private static FloatPointer aligned(long floats) {
        Pointer p = av_malloc(floats * Float.BYTES);
        if (p == null || p.isNull()) throw new OutOfMemoryError("av_malloc of " + floats + " floats");
        return new FloatPointer(p).capacity(floats);
    }

    public int size() { return n; }

    /** Forward transform in place of {@code z}, interleaved ({@code z[2k]} real, {@code z[2k + 1]} imaginary part). */
    public void forwardInterleaved(float[] z) {
        if (z.length != 2 * n) throw new IllegalArgumentException(2 * n + " interleaved values expected");
        in.put(z);
        fn.call(ctx, out, in, 8); // stride: one AVComplexFloat
        out.get(z);
    }

    @Override
    public void close() {
        av_tx_uninit(ctx);
        av_free(in);
        av_free(out);
        fnSlot.close();
    }
}
