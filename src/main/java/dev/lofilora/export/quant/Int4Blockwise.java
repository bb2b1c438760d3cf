package dev.lofilora.export.quant;

/**
 * 4-bit round-to-nearest block quantisation in the layout of ONNX Runtime's {@code com.microsoft.MatMulNBits}, with
 * the arithmetic of its own quantiser ({@code MatMulNBitsQuantizer}, default RTN: {@code MlasQuantizeBlockwise} in
 * {@code onnxruntime/core/mlas/lib/q4_dq.cpp}; research onnx_export.md §3), all in float32:
 * <pre>
 *   asymmetric: min = min(min(v), 0), max = max(max(v), 0); scale = (max − min)/15;
 *               zp = clamp(roundf(0 − min/scale), 0, 15)  (zpf = min when scale = 0)
 *   symmetric:  m = |max| > |min| ? max : min; scale = m / −8 (negative when the larger side is positive); zp = 8
 *   q = clamp(roundf(v · (1/scale) + zp), 0, 15)          (1/scale = 0 when scale = 0; roundf: half away from zero)
 * </pre>
 * The weight is a Linear's {@code [N = out, K = in]} (one row per output column of the K×N MatMul weight, which is
 * how MatMulNBits stores B); K is padded with zeros up to a multiple of the block size, as the quantiser pads W.
 * Packing: two codes per byte, the first in the low nibble; zero points likewise, per row, an unused last nibble 8.
 */
public final class Int4Blockwise {
    /** B [N, kBlocks, blockSize/2] uint8, scales [N, kBlocks] float, zero points [N, ⌈kBlocks/2⌉] (null: symmetric). */
    public record Quantized(int n, int k, int blockSize, int kBlocks, byte[] packed, float[] scales, byte[] zeroPoints) {
        /** The dequantised weight [N, K] ({@code (q − zp)·scale}), for references and error measures. */
        public float[] dequantize() {
            float[] w = new float[n * k];
            int blob = blockSize / 2;
            for (int r = 0; r < n; r++) {
                for (int kk = 0; kk < k; kk++) {
                    int b = kk / blockSize, j = kk % blockSize;
                    int byteV = packed[(r * kBlocks + b) * blob + j / 2] & 0xFF;
                    int q = (j % 2 == 0) ? byteV & 0x0F : byteV >>> 4;
                    int zp = 8;
                    if (zeroPoints != null) {
                        int zb = zeroPoints[r * ((kBlocks + 1) / 2) + b / 2] & 0xFF;
                        zp = (b % 2 == 0) ? zb & 0x0F : zb >>> 4;
                    }
                    w[r * k + kk] = (q - zp) * scales[r * kBlocks + b];
                }
            }
            return w;
        }
    }

    private Int4Blockwise() {}

    /** Quantises {@code w} [n, k] row-major with {@code blockSize} (a power of two ≥ 16). */
    public static Quantized quantize(float[] w, int n, int k, int blockSize, boolean symmetric) {
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) throw new IllegalArgumentException("block size " + blockSize);
        if (w.length != n * k) throw new IllegalArgumentException(w.length + " values for [" + n + ", " + k + "]");
        int kBlocks = (k + blockSize - 1) / blockSize;
        int blob = blockSize / 2;
        byte[] packed = new byte[n * kBlocks * blob];
        float[] scales = new float[n * kBlocks];
        int zpRow = (kBlocks + 1) / 2;
        byte[] zps = symmetric ? null : new byte[n * zpRow];
        float[] block = new float[blockSize];
        for (int r = 0; r < n; r++) {
            for (int b = 0; b < kBlocks; b++) {
                int from = b * blockSize;
                for (int j = 0; j < blockSize; j++) block[j] = from + j < k ? w[r * k + from + j] : 0f; // zero rows pad K
                float min = block[0], max = block[0];
                for (int j = 1; j < blockSize; j++) {
                    min = Math.min(min, block[j]);
                    max = Math.max(max, block[j]);
                }
                float scale;
                int zp;
                if (symmetric) {
                    float m = Math.abs(max) > Math.abs(min) ? max : min;
                    scale = m / -8.0f;
                    zp = 8;
                } else {
                    min = Math.min(min, 0f);
                    max = Math.max(max, 0f);
                    scale = (max - min) / 15.0f;
                    float zpf = scale != 0.0f ? 0.0f - min / scale : min;
                    zp = zpf < 0.0f ? 0 : zpf > 15.0f ? 15 : (int) roundf(zpf);
                    int at = r * zpRow + b / 2;
                    if (b % 2 == 0) zps[at] = (byte) (zp | 0x80);               // high nibble 8 until block b+1 sets it
                    else zps[at] = (byte) ((zps[at] & 0x0F) | (zp << 4));
                }
                scales[r * kBlocks + b] = scale;
                float rs = scale != 0.0f ? 1.0f / scale : 0.0f;
                int base = (r * kBlocks + b) * blob;
                for (int j = 0; j < blockSize; j += 2) {
                    int q0 = code(block[j], rs, zp), q1 = code(block[j + 1], rs, zp);
                    packed[base + j / 2] = (byte) (q0 | (q1 << 4));
                }
            }
        }
        return new Quantized(n, k, blockSize, kBlocks, packed, scales, zps);
    }

    private static int code(float v, float rs, int zp) {
        float x = v * rs + (float) zp;   // a product then a sum, each rounded to float (no FMA), as the x86-64 build
        float q = roundf(x);
        return (int) Math.max(0f, Math.min(15f, q));
    }

    /** C's {@code roundf}: to nearest, halves away from zero (exact: float → double adds no rounding). */
    static float roundf(float x) {
        return (float) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x);
    }
}
