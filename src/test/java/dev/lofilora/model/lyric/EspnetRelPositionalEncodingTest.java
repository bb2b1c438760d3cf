package dev.lofilora.model.lyric;

import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relative sinusoid table: values, slice, rebuild beyond max_len, dtype conversion, survival of scopes. */
class EspnetRelPositionalEncodingTest {
    private static final int D = 6;

    @Test
    void rowRHoldsRelativePositionNMinus1MinusR() {
        try (EspnetRelPositionalEncoding pe = new EspnetRelPositionalEncoding(D, 0.1)) {
            int n = 4;
            float[] v;
            try (PointerScope scope = new PointerScope()) {
                Tensor t = pe.positionEncoding(n, cpu(), ScalarType.Float);
                assertArrayEquals(new long[] {1, 2 * n - 1, D}, Tensors.shape(t));
                v = Tensors.toFloatArray(t);
            }
            for (int r = 0; r < 2 * n - 1; r++) {
                int pos = n - 1 - r;
                for (int i = 0; i < D / 2; i++) {
                    double angle = pos * Math.exp(-Math.log(10000.0) * 2 * i / D);
                    assertEquals(Math.sin(angle), v[r * D + 2 * i], 1e-6, "sin, row " + r + " dim " + 2 * i);
                    assertEquals(Math.cos(angle), v[r * D + 2 * i + 1], 1e-6, "cos, row " + r + " dim " + (2 * i + 1));
                }
            }
        }
    }

    @Test
    void rebuildsBeyondMaxLenAndConvertsToTheInputDtype() {
        try (EspnetRelPositionalEncoding pe = new EspnetRelPositionalEncoding(D, 0.1)) {
            int n = EspnetRelPositionalEncoding.DEFAULT_MAX_LEN + 1;
            try (PointerScope scope = new PointerScope()) {
                Tensor t = pe.positionEncoding(n, cpu(), ScalarType.Float);
                assertArrayEquals(new long[] {1, 2L * n - 1, D}, Tensors.shape(t));
                float[] centre = Tensors.toFloatArray(t.get(0).get(n - 1));
                assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1}, centre, 0f, "relative position 0");
                float[] first = Tensors.toFloatArray(t.get(0).get(0));
                // fp32 angles of ~5000 carry ~3e-4 rounding, hence the looser bound
                assertEquals(Math.sin(n - 1.0), first[0], 2e-3, "row 0 is position N−1");
                Tensor b = pe.positionEncoding(3, cpu(), ScalarType.BFloat16);
                assertEquals(ScalarType.BFloat16, b.scalar_type().intern());
            }
            // the cached table outlives the scope it was built in
            try (PointerScope scope = new PointerScope()) {
                Tensor again = pe.positionEncoding(2, cpu(), ScalarType.Float);
                assertEquals(1.0f, Tensors.toFloatArray(again)[D + 1], 0f);
            }
        }
    }

    @Test
    void evalModeScalesBySqrtDAndLeavesValuesAlone() {
        try (EspnetRelPositionalEncoding pe = new EspnetRelPositionalEncoding(16, 0.5);
             PointerScope scope = new PointerScope()) {
            Tensor x = torch.randn(2, 3, 16);
            EspnetRelPositionalEncoding.Encoded e = pe.forward(x);
            assertTrue(Tensors.maxAbsDiff(e.x(), x.mul(new org.bytedeco.pytorch.Scalar(4.0))) == 0, "x·√16, no dropout");
            assertTrue(Tensors.bitIdentical(e.posEmb().contiguous(),
                    pe.positionEncoding(3, cpu(), ScalarType.Float).contiguous()));
        }
    }

    private static Device cpu() {
        return new Device(torch.DeviceType.CPU);
    }
}
