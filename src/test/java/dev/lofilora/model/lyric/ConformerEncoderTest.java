package dev.lofilora.model.lyric;

import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of the lyric encoder on tiny random weights: masking, sizes, names, dropout. */
class ConformerEncoderTest {
    private static final ConformerConfig SMALL = new ConformerConfig(12, 16, 4, 24, 2, 0.1, 0.1, 0.0);

    @Test
    void paddedPositionsDoNotAffectValidOutputs() {
        try (ConformerEncoder enc = LyricFixtures.randomize(new ConformerEncoder(SMALL), 1);
             PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            torch.manual_seed(2);
            Tensor xs = torch.randn(2, 6, 12);
            Tensor mask = LyricFixtures.mask(6, 6, 4);
            assertEquals(10.0, mask.sum().item_double(), 0, "fixture: 6 + 4 valid tokens");
            Tensor other = xs.clone();
            other.get(1).narrow(0, 4, 2).copy_(torch.randn(2, 12).mul(new Scalar(10)));  // new padded content

            Tensor y = enc.forward(xs, mask, Capture.NONE);
            Tensor y2 = enc.forward(other, mask, Capture.NONE);
            double item0 = Tensors.maxAbsDiff(y.get(0), y2.get(0));
            double valid1 = Tensors.maxAbsDiff(y.get(1).narrow(0, 0, 4), y2.get(1).narrow(0, 0, 4));
            double padded1 = Tensors.maxAbsDiff(y.get(1).narrow(0, 4, 2), y2.get(1).narrow(0, 4, 2));
            System.out.printf("lyric padding: valid rows moved by %.1e / %.1e, padded rows by %.2f%n", item0, valid1, padded1);
            assertTrue(item0 <= 1e-6 && valid1 <= 1e-6, "valid outputs moved: " + item0 + ", " + valid1);
            assertTrue(padded1 > 0.1, "the padded rows themselves did change (" + padded1 + ")");

            // and without the mask the same change does reach the valid rows: the mask is what protects them
            Tensor ones = torch.ones(2, 6);
            double unmasked = Tensors.maxAbsDiff(enc.forward(xs, ones, Capture.NONE).get(1).narrow(0, 0, 4),
                    enc.forward(other, ones, Capture.NONE).get(1).narrow(0, 0, 4));
            assertTrue(unmasked > 1e-3, "unmasked change of " + unmasked);
        }
    }

    @Test
    void maskDtypeDoesNotMatterNonZeroMeansValid() {
        try (ConformerEncoder enc = LyricFixtures.randomize(new ConformerEncoder(SMALL), 3);
             PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor xs = torch.randn(2, 5, 12);
            Tensor mask = LyricFixtures.mask(5, 5, 2);
            Tensor y = enc.forward(xs, mask, Capture.NONE);
            assertTrue(Tensors.bitIdentical(y, enc.forward(xs, mask.to(ScalarType.Long), Capture.NONE)), "int64");
            assertTrue(Tensors.bitIdentical(y, enc.forward(xs, mask.to(ScalarType.Bool), Capture.NONE)), "bool");
            // `.to(torch.bool)` in the reference: any non-zero value is valid
            assertTrue(Tensors.bitIdentical(y, enc.forward(xs, mask.mul(new Scalar(3.5)), Capture.NONE)), "3.5");
        }
    }

    @Test
    void fullyMaskedRowGivesFiniteOutputAndGradients() {
        try (ConformerEncoder enc = LyricFixtures.randomize(new ConformerEncoder(SMALL), 4)) {
            enc.requiresGrad(true);
            try (PointerScope scope = new PointerScope()) {
                Tensor xs = torch.randn(2, 5, 12);
                Tensor y = enc.forward(xs, LyricFixtures.mask(5, 3, 0), Capture.NONE);
                assertTrue(allFinite(y), "output of a row without valid tokens is finite");
                y.sum().backward();
                for (Map.Entry<String, Parameter> p : enc.namedParameters().entrySet()) {
                    Tensor grad = p.getValue().value().grad();
                    assertTrue(grad.defined() && allFinite(grad), "finite gradient for " + p.getKey());
                }
            }
        }
    }

    @Test
    void attentionOverOnlyPaddedKeysIsZeroSoOnlyTheOutputBiasRemains() {
        try (RelPositionMultiHeadedAttention att = LyricFixtures.randomize(new RelPositionMultiHeadedAttention(2, 8, 0.0), 5);
             PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor x = torch.randn(1, 3, 8);
            Tensor allPadded = torch.ones(1, 1, 1, 3).to(ScalarType.Bool);
            Tensor pos = new EspnetRelPositionalEncoding(8, 0).positionEncoding(3, x.device(), ScalarType.Float);
            Tensor out = att.forward(x, allPadded, pos);                                // [1, 3, 8]
            Tensor bias = att.linearOut.bias.value().expand(1, 3, 8);
            assertTrue(Tensors.bitIdentical(out.contiguous(), bias.contiguous()), "zero weights, not NaN or uniform");
        }
    }

    @Test
    void otherSizesRunWithReferenceNamesShapesAndCount() {
        ConformerConfig c = new ConformerConfig(20, 48, 6, 40, 3, 0.1, 0.1, 0.0);
        try (ConformerEncoder enc = new ConformerEncoder(c)) {
            Map<String, long[]> want = new LinkedHashMap<>();
            want.put("embed.out.0.weight", new long[] {48, 20});
            want.put("embed.out.0.bias", new long[] {48});
            want.put("embed.out.1.weight", new long[] {48});
            want.put("embed.out.1.bias", new long[] {48});
            want.put("after_norm.weight", new long[] {48});
            want.put("after_norm.bias", new long[] {48});
            for (int j = 0; j < 3; j++) {
                String l = "encoders." + j + ".";
                want.put(l + "self_attn.pos_bias_u", new long[] {6, 8});
                want.put(l + "self_attn.pos_bias_v", new long[] {6, 8});
                for (String lin : List.of("linear_q", "linear_k", "linear_v", "linear_out")) {
                    want.put(l + "self_attn." + lin + ".weight", new long[] {48, 48});
                    want.put(l + "self_attn." + lin + ".bias", new long[] {48});
                }
                want.put(l + "self_attn.linear_pos.weight", new long[] {48, 48});
                want.put(l + "feed_forward.w_1.weight", new long[] {40, 48});
                want.put(l + "feed_forward.w_1.bias", new long[] {40});
                want.put(l + "feed_forward.w_2.weight", new long[] {48, 40});
                want.put(l + "feed_forward.w_2.bias", new long[] {48});
                want.put(l + "norm_ff.weight", new long[] {48});
                want.put(l + "norm_ff.bias", new long[] {48});
                want.put(l + "norm_mha.weight", new long[] {48});
                want.put(l + "norm_mha.bias", new long[] {48});
            }
            Map<String, Parameter> sd = enc.stateDict();
            assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(sd.keySet()), "state-dict keys in reference order");
            want.forEach((k, shape) -> assertArrayEquals(shape, sd.get(k).shape(), k));
            long perLayer = 4 * (48 * 48 + 48) + 48 * 48 + 2 * 48 + (40 * 48 + 40) + (48 * 40 + 48) + 4 * 48;
            assertEquals(20 * 48 + 48 + 2 * 48 + 3 * perLayer + 2 * 48, enc.parameterCount());
            assertTrue(sd.get("after_norm.weight").value().is_meta(), "construction allocates nothing");
            // LoRA targets match these by module name
            assertInstanceOf(Linear.class, enc.namedModules().get("encoders.2.self_attn.linear_v"));

            LyricFixtures.randomize(enc, 6);
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                for (int n : new int[] {7, 1}) {
                    Capture.Recorder rec = new Capture.Recorder();
                    Tensor y = enc.forward(torch.randn(2, n, 20), LyricFixtures.mask(n, n, 1), rec);
                    assertArrayEquals(new long[] {2, n, 48}, Tensors.shape(y), "N=" + n);
                    assertArrayEquals(new long[] {1, 2L * n - 1, 48}, Tensors.shape(rec.tensors().get("pos_emb")));
                    assertEquals(List.of("embed", "pos_emb", "layer0", "layer1", "layer2"),
                            new ArrayList<>(rec.tensors().keySet()));
                    assertTrue(allFinite(y));
                }
            }
        }
    }

    @Test
    void dropoutActsOnlyInTrainMode() {
        try (ConformerEncoder enc = LyricFixtures.randomize(new ConformerEncoder(SMALL), 7);
             ConformerEncoder noDrop = LyricFixtures.randomize(new ConformerEncoder(SMALL.withDropout(0, 0, 0)), 7);
             PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor xs = torch.randn(2, 6, 12);
            Tensor mask = LyricFixtures.mask(6, 6, 4);
            enc.train(true);
            Tensor a = enc.forward(xs, mask, Capture.NONE);
            Tensor b = enc.forward(xs, mask, Capture.NONE);
            double trainDiff = Tensors.maxAbsDiff(a, b);
            assertTrue(trainDiff > 1e-3, "two train-mode calls differ (" + trainDiff + ")");

            enc.train(false);
            Tensor e1 = enc.forward(xs, mask, Capture.NONE);
            assertTrue(Tensors.bitIdentical(e1, enc.forward(xs, mask, Capture.NONE)), "eval mode is deterministic");
            // dropout is the only train-mode difference: with all rates 0, train equals eval bit for bit
            noDrop.train(true);
            assertTrue(Tensors.bitIdentical(e1, noDrop.forward(xs, mask, Capture.NONE)));
        }
    }

    @Test
    void relShiftPutsRelativePositionIMinusJAtRowIColumnJ() {
        try (PointerScope scope = new PointerScope()) {
            int n = 5;
            // column c of the unshifted scores stands for relative position n−1−c; fill with 100·row + c
            Tensor x = torch.arange(new Scalar(2 * n - 1)).to(ScalarType.Float).view(1, 1, 1, 2 * n - 1)
                    .add(torch.arange(new Scalar(n)).to(ScalarType.Float).mul(new Scalar(100)).view(1, 1, n, 1))
                    .expand(2, 3, n, 2 * n - 1).contiguous();
            Tensor s = RelPositionMultiHeadedAttention.relShift(x);
            assertArrayEquals(new long[] {2, 3, n, n}, Tensors.shape(s));
            float[] v = Tensors.toFloatArray(s.get(1).get(2));
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int c = n - 1 - (i - j);
                    assertEquals(100 * i + c, v[i * n + j], 0, "row " + i + " col " + j);
                }
            }
        }
    }

    private static boolean allFinite(Tensor t) {
        return torch.isfinite(t).all().item_bool();
    }
}
