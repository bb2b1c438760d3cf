package dev.lofilora.metrics.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.pickle.PtCheckpoint;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Set;

import static dev.lofilora.metrics.conformance.MetricsConformanceSuite.IO;

/**
 * The {@code pt_checkpoint} component: the stored {@code torch.save} file read by the restricted unpickler; every
 * expected key is the state-dict tensor of that name ({@code module.} stripped). 0-d tensors are reshaped to the
 * golden's stored shape when it holds them as [1].
 */
final class PtGolden {
    private PtGolden() {}

    static void compute(JsonNode config, Path folder, SafetensorsFile io, ConformanceContext ctx, SuiteResult.Builder out) {
        Path file = folder.resolve(config.path("file").asText("checkpoint.pt"));
        try (PtCheckpoint ck = PtCheckpoint.open(file)) {
            for (String key : ctx.expectedKeys().getOrDefault(IO, Set.of())) {
                if (!ck.contains(key)) continue; // reported as not computed
                Tensor t = ck.tensor(key);
                if (io.contains(key) && t.dim() == 0 && io.info(key).numel() == 1) t = t.reshape(io.info(key).shape());
                out.put(IO, key, t);
            }
        }
    }
}
