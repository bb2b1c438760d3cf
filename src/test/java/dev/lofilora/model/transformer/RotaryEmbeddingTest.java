package dev.lofilora.model.transformer;

import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RotaryEmbeddingTest {

    @Test
    void tablesAreHalfSplitAndTheRotationPairsAdjacentElements() {
        try (PointerScope scope = new PointerScope(); RotaryEmbedding rope = new RotaryEmbedding(4, 100.0, false)) {
            Tensor[] t = rope.tables(3, Devices.cpu());
            float[] cos = Tensors.toFloatArray(t[0]);
            float[] sin = Tensors.toFloatArray(t[1]);
            double[] inv = {1.0, 1.0 / 10.0};                      // 1/100^(0/4), 1/100^(2/4)
            for (int p = 0; p < 3; p++) {
                for (int j = 0; j < 4; j++) {                      // element j uses inv_freq[j mod 2]
                    assertEquals(Math.cos(p * inv[j % 2]), cos[p * 4 + j], 1e-6);
                    assertEquals(Math.sin(p * inv[j % 2]), sin[p * 4 + j], 1e-6);
                }
            }
            // x = [1, 2, 3, 4] at position 2: out[2i] = x[2i]cos − x[2i+1]sin, out[2i+1] = x[2i+1]cos + x[2i]sin,
            // with each element's own angle (so pair members use different angles: the quirk of §2.5).
            Tensor x = Tensors.fromFloatArray(new float[] {1, 2, 3, 4}, 1, 1, 1, 4);
            Tensor out = RotaryEmbedding.apply(x, t[0].narrow(0, 2, 1), t[1].narrow(0, 2, 1));
            float[] o = Tensors.toFloatArray(out);
            double a0 = 2 * inv[0], a1 = 2 * inv[1];
            assertEquals(1 * Math.cos(a0) - 2 * Math.sin(a0), o[0], 1e-6);
            assertEquals(2 * Math.cos(a1) + 1 * Math.sin(a1), o[1], 1e-6);
            assertEquals(3 * Math.cos(a0) - 4 * Math.sin(a0), o[2], 1e-6);
            assertEquals(4 * Math.cos(a1) + 3 * Math.sin(a1), o[3], 1e-6);
        }
    }

    @Test
    void bf16RoundingSwitchStoresBf16ValuesOfTheFp32Tables() {
        try (PointerScope scope = new PointerScope();
             RotaryEmbedding exact = new RotaryEmbedding(128, 1e6, false);
             RotaryEmbedding rounded = new RotaryEmbedding(128, 1e6, true)) {
            Tensor a = exact.tables(300, Devices.cpu())[0];
            Tensor b = rounded.tables(300, Devices.cpu())[0];
            assertEquals(ScalarType.Float.value, b.scalar_type().value);
            assertEquals(0.0, Tensors.maxAbsDiff(b, a.to(ScalarType.BFloat16).to(ScalarType.Float)), 0.0);
            double d = Tensors.maxAbsDiff(a, b);
            assertTrue(d > 1e-4 && d <= 1.0 / 256, "rounding moved the table by " + d);
        }
    }
}
