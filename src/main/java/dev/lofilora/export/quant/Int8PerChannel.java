package dev.lofilora.export.quant;

/**
 * Per-channel 8-bit weights as ONNX Runtime's {@code quantize_dynamic(per_channel=True)} makes them for a MatMul
 * ({@code onnxruntime/python/tools/quantization/quant_utils.py}: {@code compute_scale_zp} and
 * {@code quantize_nparray}; research onnx_export.md §3), one scale and zero point per output channel:
 * <pre>
 *   rmin = min(min(v), 0), rmax = max(max(v), 0)                                       (float32)
 *   signed (QInt8, symmetric by default): absmax = max(|rmin|, |rmax|); rmin = −absmax, rmax = absmax;
 *                                         qmin −127, qmax 127, zp = rint((qmin + qmax)/2) = 0
 *   unsigned (QUInt8, asymmetric):        qmin 0, qmax 255, zp = rint(qmin − rmin/scale) (float64 scale)
 *   scale = float64(rmax − rmin) / float64(qmax − qmin), rounded to float32 only after zp; scale < float32 tiny → 1, 0
 *   q = clip(rint(float32(v) / scale) + zp, qmin, qmax)    (a float32 division; numpy's round: half to even)
 * </pre>
 * The result is laid out as quantize_dynamic stores it for MatMul: {@code [K, N]} (the Linear's weight transposed),
 * scales and zero points {@code [N]}.
 *
 * <p>Which of the two to use is a property of the CPU: ONNX Runtime's u8·s8 kernel on AVX2 without VNNI multiplies
 * pairs with {@code vpmaddubsw}, whose int16 sums saturate for full-range weights (measured here: 0.28 max error on
 * a 256-wide layer, against 0.023 for u8·u8 — ONNX Runtime's docs suggest {@code reduce_range} or U8U8 for it). The
 * exports default to unsigned.
 */
public final class Int8PerChannel {
    /**
     * Wq [K, N] (row-major; int8 or uint8 bytes), scales [N], zero points [N] (same signedness).
     *
     * @param signed int8 symmetric weights (else uint8 asymmetric)
     */
    public record Quantized(int k, int n, boolean signed, byte[] weights, float[] scales, byte[] zeroPoints) {
        /** The dequantised weight as [N, K] (the Linear's layout). */
        public float[] dequantize() {
            float[] w = new float[n * k];
            for (int r = 0; r < n; r++) {
                int zp = value(zeroPoints[r]);
                for (int c = 0; c < k; c++) w[r * k + c] = (value(weights[c * n + r]) - zp) * scales[r];
            }
            return w;
        }

        private int value(byte b) { return signed ? b : b & 0xFF; }
    }

    private static final float TINY = Float.MIN_NORMAL;   // numpy.finfo(float32).tiny

    private Int8PerChannel() {}

    /** Quantises a Linear weight {@code w} [n = out, k = in] row-major. */
    public static Quantized quantize(float[] w, int n, int k, boolean signed) {
        if (w.length != n * k) throw new IllegalArgumentException(w.length + " values for [" + n + ", " + k + "]");
        int qmin = signed ? -127 : 0, qmax = signed ? 127 : 255;
        byte[] q = new byte[k * n];
        float[] scales = new float[n];
        byte[] zps = new byte[n];
        for (int r = 0; r < n; r++) {
            float rmin = w[r * k], rmax = w[r * k];
            for (int c = 1; c < k; c++) {
                rmin = Math.min(rmin, w[r * k + c]);
                rmax = Math.max(rmax, w[r * k + c]);
            }
            rmin = Math.min(rmin, 0f);
            rmax = Math.max(rmax, 0f);
            if (signed) {
                float absmax = Math.max(Math.abs(rmin), Math.abs(rmax));
                rmin = -absmax;
                rmax = absmax;
            }
            float dr = rmax - rmin;                                         // float32, as numpy subtracts
            double s = (double) dr / ((double) qmax - (double) qmin);
            float scale;
            int zp;
            if (s < TINY) {
                scale = 1.0f;
                zp = 0;
            } else {
                zp = signed ? (int) Math.rint((qmin + qmax) / 2.0) : (int) Math.rint(qmin - (double) rmin / s);
                scale = (float) s;
            }
            scales[r] = scale;
            zps[r] = (byte) zp;
            for (int c = 0; c < k; c++) {
                float x = w[r * k + c] / scale;                             // float32 division
                double v = Math.rint(x) + zp;
                q[c * n + r] = (byte) (int) Math.max(qmin, Math.min(qmax, v));
            }
        }
        return new Quantized(k, n, signed, q, scales, zps);
    }
}
