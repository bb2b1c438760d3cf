package dev.lofilora.model.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.NumericsFlags;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.TensorSource;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fp32 forward against golden set A (original ACE-Step code, fp32 CPU): {@code sample} and every intermediate the
 * golden holds must be within its {@code atol} from tolerances.json (max(50 × the fp32-vs-fp64 error of the original,
 * 1e-5 × max|golden|)), so the port is as close to the original as the original's own fp32 round-off allows.
 */
class AceStepGoldenTest {

    @Test
    void forwardMatchesGoldenAWithinToleranceForEveryIntermediate() {
        Path dir = SharedFiles.require("golden/acestep/A");
        JsonNode tol = Json.readTree(dir.resolve("tolerances.json")).get("outputs");
        try (NumericsFlags flags = NumericsFlags.strictFp32();
             AceStepTransformerLoader.Loaded loaded = AceStepTransformerLoader.load(dir, Devices.cpu(), ScalarType.Float, false);
             TensorSource in = Safetensors.open(dir.resolve("inputs.safetensors"));
             TensorSource out = Safetensors.open(dir.resolve("outputs.safetensors"))) {
            Capture.Recorder rec = new Capture.Recorder();
            loaded.model().forward(in.tensor("hidden_states"), in.tensor("attention_mask"),
                    in.tensor("encoder_text_hidden_states"), in.tensor("text_attention_mask"), in.tensor("speaker_embeds"),
                    in.tensor("lyric_token_idx"), in.tensor("lyric_mask"), in.tensor("timestep"), false, rec);
            List<String> failures = new ArrayList<>();
            int compared = 0;
            System.out.printf("%-28s %12s %12s %8s%n", "tensor", "max|err|", "atol", "err/atol");
            for (Map.Entry<String, Tensor> e : rec.tensors().entrySet()) {
                String key = e.getKey();
                if (!out.contains(key)) continue;
                double err = Tensors.maxAbsDiff(e.getValue(), out.tensor(key));
                double atol = tol.get(key).get("atol").asDouble();
                System.out.printf("%-28s %12.3e %12.3e %8.3f%n", key, err, atol, err / atol);
                compared++;
                if (!(err <= atol)) failures.add(key + ": " + err + " > " + atol);
            }
            for (String must : List.of("sample", "proj_in", "temb.time_proj", "encoder_hidden_states", "block.0.attn",
                    "block.0.cross_attn", "block.0.ff", "rope.cos", "enc.lyric_encoder.layer0")) {
                assertTrue(rec.tensors().containsKey(must), "computed " + must);
            }
            assertTrue(compared >= 20, "compared " + compared + " tensors");
            assertEquals(List.of(), failures);
        }
    }
}
