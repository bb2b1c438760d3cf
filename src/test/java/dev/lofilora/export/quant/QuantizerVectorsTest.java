package dev.lofilora.export.quant;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The quantisers' bytes against vectors worked out by hand from ONNX Runtime's arithmetic (research onnx_export.md §3):
 * MatMulNBits' RTN (roundf: halves away from zero; asymmetric zero points; symmetric scales that are negative when the
 * larger-magnitude extreme is positive; packed nibbles, low first; an odd block count's unused zero-point nibble 8) and
 * quantize_dynamic's per-channel int8 (float64 scale, numpy's half-to-even rounding of a float32 division).
 */
class QuantizerVectorsTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    /** min −1.5, max 6 → scale 7.5/15 = 0.5, zp = roundf(1.5/0.5) = 3, 1/scale = 2. */
    static final float[] ASYM = {-1.5f, 6f, 0.25f, 0.75f, 0f, 1f, 2f, 3f, -1f, -0.5f, 5.5f, 4f, 0f, 0f, 0f, 0f};

    @Test
    void asymmetricInt4RoundsHalvesAwayFromZeroAndPacksLowNibbleFirst() {
        Int4Blockwise.Quantized q = Int4Blockwise.quantize(ASYM, 1, 16, 16, false);
        assertEquals(0.5f, q.scales()[0]);
        // codes: 0 15 | 4 5 (3.5→4, 4.5→5: roundf, not half-to-even) | 3 5 | 7 9 | 1 2 | 14 11 | 3 3 | 3 3
        assertArrayEquals(bytes(0xF0, 0x54, 0x53, 0x97, 0x21, 0xBE, 0x33, 0x33), q.packed());
        assertArrayEquals(bytes(0x83), q.zeroPoints(), "zp 3 in the low nibble, the unused high nibble 8");
        float[] back = q.dequantize();
        assertEquals(1.0f, back[3], "0.75 → code 5 → (5 − 3)·0.5");
        assertEquals(6f, back[1]);
    }

    @Test
    void symmetricInt4HasANegativeScaleWhenThePositiveExtremeIsLarger() {
        float[] v = {4f, -2f, 1.25f, -1.25f, 0.5f, 0f, 3f, -0.75f, 0, 0, 0, 0, 0, 0, 0, 0};
        Int4Blockwise.Quantized q = Int4Blockwise.quantize(v, 1, 16, 16, true);
        assertEquals(-0.5f, q.scales()[0], "m = 4 → 4 / −8");
        assertNull(q.zeroPoints(), "symmetric: MatMulNBits' default zero point 8");
        // codes roundf(−2v + 8): 0 12 | 6 11 (5.5→6, 10.5→11) | 7 8 | 2 10 (9.5→10) | 8 8 ×4
        assertArrayEquals(bytes(0xC0, 0xB6, 0x87, 0xA2, 0x88, 0x88, 0x88, 0x88), q.packed());
        assertEquals(-2f, q.dequantize()[1]);

        float[] w = {-4f, 2f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        Int4Blockwise.Quantized p = Int4Blockwise.quantize(w, 1, 16, 16, true);
        assertEquals(0.5f, p.scales()[0], "m = −4 → −4 / −8 is positive");
        assertEquals(0xC0, p.packed()[0] & 0xFF, "−4 → 0, 2 → 12");
    }

    @Test
    void partialAndOddBlockCountsPadWithZerosAndPackZeroPointsInPairs() {
        float[] row = new float[40];
        System.arraycopy(ASYM, 0, row, 0, 16);
        float[] second = {7.5f, 1f, 2.25f, 0.5f};     // min 0, max 7.5 → scale 0.5, zp 0; 4.5 → 5
        System.arraycopy(second, 0, row, 16, 4);       // K = 40: block 1 has 16 values, block 2 is all zeros
        Int4Blockwise.Quantized q = Int4Blockwise.quantize(java.util.Arrays.copyOf(row, 36), 1, 36, 16, false);
        assertEquals(3, q.kBlocks());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, q.scales());
        byte[] block1 = java.util.Arrays.copyOfRange(q.packed(), 8, 16);
        assertArrayEquals(bytes(0x2F, 0x15, 0, 0, 0, 0, 0, 0), block1, "15 2 | 5 1 | zeros");
        byte[] block2 = java.util.Arrays.copyOfRange(q.packed(), 16, 24);
        assertArrayEquals(new byte[8], block2, "K padded with zero rows: code zp = 0");
        assertArrayEquals(bytes(0x03, 0x80), q.zeroPoints(), "zp 3 | 0, then 0 | unused 8");
    }

    @Test
    void signedInt8PerChannelRoundsHalvesToEven() {
        // channel 0: absmax 127 → scale 254/254 = 1; channel 1: absmax 63.5 → scale 0.5
        float[] w = {2.5f, 3.5f, -2.5f, 0.5f, 1.5f, 127f, -127f, 0f,
                     1.25f, 63.5f, -0.75f, 0.25f, 0f, 0f, 0f, 0f};
        Int8PerChannel.Quantized q = Int8PerChannel.quantize(w, 2, 8, true);
        assertArrayEquals(new float[] {1f, 0.5f}, q.scales());
        assertArrayEquals(new byte[2], q.zeroPoints());
        // [K, N] layout: column 0 is channel 0
        byte[] ch0 = new byte[8], ch1 = new byte[8];
        for (int k = 0; k < 8; k++) {
            ch0[k] = q.weights()[k * 2];
            ch1[k] = q.weights()[k * 2 + 1];
        }
        assertArrayEquals(bytes(2, 4, -2, 0, 2, 127, -127, 0), ch0, "2.5→2, 3.5→4, −2.5→−2, 0.5→0, 1.5→2");
        assertArrayEquals(bytes(2, 127, -2, 0, 0, 0, 0, 0), ch1, "2.5→2, −1.5→−2, 0.5→0");
    }

    @Test
    void unsignedInt8PerChannelIsAsymmetricWithAFloat64Scale() {
        // min −32, max 31.75 → scale 63.75/255 = 0.25, zp = rint(0 + 32/0.25) = 128
        float[] w = {0.125f, 0.375f, -0.125f, 31.75f, -32f, 1f, 0f, 0f};
        Int8PerChannel.Quantized q = Int8PerChannel.quantize(w, 1, 8, false);
        assertEquals(0.25f, q.scales()[0]);
        assertEquals(128, q.zeroPoints()[0] & 0xFF);
        // 0.5→0, 1.5→2, −0.5→−0 (+128); 127+128, −128+128, 4+128
        assertArrayEquals(bytes(128, 130, 128, 255, 0, 132, 128, 128), q.weights());
        // an all-zero channel: scale below float32's tiny → 1 and zp 0
        Int8PerChannel.Quantized z = Int8PerChannel.quantize(new float[4], 1, 4, false);
        assertEquals(1f, z.scales()[0]);
        assertEquals(0, z.zeroPoints()[0]);
    }

    @Test
    void halfPrecisionConversionRoundsToNearestEven() {
        assertEquals(0x3C00, Half.fromFloat(1f) & 0xFFFF);
        assertEquals(0x7BFF, Half.fromFloat(65504f) & 0xFFFF);
        assertEquals(0x7C00, Half.fromFloat(65520f) & 0xFFFF, "rounds up to infinity");
        assertEquals(0x7BFF, Half.fromFloat(65519f) & 0xFFFF);
        assertEquals(0x0001, Half.fromFloat(0x1p-24f) & 0xFFFF, "smallest subnormal");
        assertEquals(0x0000, Half.fromFloat(0x1p-25f) & 0xFFFF, "a tie below the smallest subnormal goes to even 0");
        assertEquals(0x3C00, Half.fromFloat(1f + 0x1p-11f) & 0xFFFF, "a tie goes to even");
        assertEquals(0x3C02, Half.fromFloat(1f + 3 * 0x1p-11f) & 0xFFFF, "a tie goes to even (up)");
        assertEquals(-2f, Half.toFloat(Half.fromFloat(-2f)));
    }
}
