package dev.lofilora.model.lyric;

import dev.lofilora.SharedFiles;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.TensorSource;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lyric encoder against the goldens computed by the original ACE-Step code (../shared/golden/acestep/*): every
 * golden folder found is checked, with its own sizes from config.json. Tolerance: the golden's own atol per key
 * (max(50 × the fp32-vs-fp64 error of the reference, 1e-5 × max|golden|), golden README).
 */
class ConformerEncoderGoldenTest {
    /** Golden key → name of our capture ("" = the encoder output). */
    private static final Map<String, String> KEYS = new LinkedHashMap<>();
    static {
        KEYS.put("enc.lyric_encoder.embed", "embed");
        KEYS.put("enc.lyric_encoder.pos_emb", "pos_emb");
        KEYS.put("enc.lyric_encoder.layer0", "layer0");
        KEYS.put("enc.lyric_encoder", "");
    }

    static List<Path> goldenFolders() throws IOException {
        Path root = SharedFiles.require("golden/acestep");
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("weights.safetensors"))).sorted().toList();
        }
    }

    @Test
    void matchesEveryGoldenWithinItsTolerance() throws IOException {
        List<Path> folders = goldenFolders();
        assertFalse(folders.isEmpty(), "no golden folder with weights.safetensors");
        for (Path dir : folders) {
            try (ConformerEncoder enc = LyricGolden.load(dir, ScalarType.Float);
                 PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard();
                 TensorSource in = Safetensors.open(dir.resolve("inputs.safetensors"));
                 TensorSource out = Safetensors.open(dir.resolve("outputs.safetensors"))) {
                Capture.Recorder rec = new Capture.Recorder();
                Tensor y = enc.forward(out.tensor("enc.lyric_embs"), in.tensor("lyric_mask"), rec);
                for (Map.Entry<String, String> k : KEYS.entrySet()) {
                    Tensor got = k.getValue().isEmpty() ? y : rec.tensors().get(k.getValue());
                    Tensor want = out.tensor(k.getKey());
                    double err = Tensors.maxAbsDiff(got, want);
                    double atol = LyricGolden.atol(dir, k.getKey());
                    System.out.printf("lyric golden %s %-26s max|err| %.3e  atol %.3e  (max|golden| %.3f)%n",
                            dir.getFileName(), k.getKey(), err, atol, Tensors.maxAbs(want));
                    assertTrue(err <= atol, dir.getFileName() + " " + k.getKey() + ": max abs error " + err
                            + " exceeds atol " + atol);
                }
            }
        }
    }

    /** The golden pads item 1, so a port that ignored the lyric mask would fail it: checks the check. */
    @Test
    void ignoringTheMaskWouldFailTheGolden() throws IOException {
        Path dir = goldenFolders().get(0);
        try (ConformerEncoder enc = LyricGolden.load(dir, ScalarType.Float);
             PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard();
             TensorSource in = Safetensors.open(dir.resolve("inputs.safetensors"));
             TensorSource out = Safetensors.open(dir.resolve("outputs.safetensors"))) {
            Tensor mask = in.tensor("lyric_mask");
            Tensor y = enc.forward(out.tensor("enc.lyric_embs"), torch.ones_like(mask), Capture.NONE);
            double err = Tensors.maxAbsDiff(y, out.tensor("enc.lyric_encoder"));
            double atol = LyricGolden.atol(dir, "enc.lyric_encoder");
            assertTrue(err > 100 * atol, "an all-valid mask moves the output by only " + err);
        }
    }

    /**
     * bf16 weights and input against fp32, on the golden weights and inputs. Bound: max|bf16 − fp32| ≤ 3 % of
     * max|fp32| for the output (bf16 keeps 8 significant bits, ≈0.4 % per rounding; two layers and three LayerNorms
     * accumulate a few of them). Padded rows are included.
     */
    @Test
    void bf16StaysWithinThreePercentOfFp32() throws IOException {
        Path dir = goldenFolders().get(0);
        try (ConformerEncoder f32 = LyricGolden.load(dir, ScalarType.Float);
             ConformerEncoder bf16 = LyricGolden.load(dir, ScalarType.BFloat16);
             PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard();
             TensorSource in = Safetensors.open(dir.resolve("inputs.safetensors"));
             TensorSource out = Safetensors.open(dir.resolve("outputs.safetensors"))) {
            Tensor xs = out.tensor("enc.lyric_embs");
            Tensor mask = in.tensor("lyric_mask");
            Tensor ref = f32.forward(xs, mask, Capture.NONE);
            Tensor low = bf16.forward(xs.to(ScalarType.BFloat16), mask, Capture.NONE);
            assertTrue(low.scalar_type().intern() == ScalarType.BFloat16, "computes in bf16");
            double rel = Tensors.maxAbsDiff(low, ref) / Tensors.maxAbs(ref);
            System.out.printf("lyric bf16 vs fp32: max|diff| / max|fp32| = %.4f%n", rel);
            assertTrue(rel <= 0.03, "bf16 relative error " + rel);
            assertTrue(rel > 0, "bf16 really ran in lower precision");
        }
    }
}
