package dev.lofilora.conformance;

import dev.lofilora.common.Json;
import dev.lofilora.tensor.NumericsFlags;
import dev.lofilora.tensor.SafetensorsFile;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test-only suite: for a folder whose config.json says {@code "fake_suite": "doubling"} it computes
 * {@code y = x * 2} (and {@code g = x * 3}, {@code counts = n * 2}) from inputs.safetensors — or, for a flat
 * component folder, {@code y = x * 2} from io.safetensors. The config's {@code mode} makes it err on purpose:
 * "correct", "mixed" (one tensor off by 1e-3, one skipped), "skip-one", "nothing", "wrong-shape", "int-off".
 */
public final class DoublingSuite implements ConformanceSuite {
    /** Whether TF32 (cuBLAS or cuDNN) was allowed during the last compute (the runner must turn it off). */
    static volatile Boolean tf32SeenDuringCompute;

    @Override
    public String name() {
        return "test.doubling";
    }

    @Override
    public boolean accepts(Path folder) {
        Path config = folder.resolve("config.json");
        return Files.isRegularFile(config) && "doubling".equals(Json.readTree(config).path("fake_suite").asText());
    }

    @Override
    public SuiteResult compute(Path folder, ConformanceContext ctx) {
        tf32SeenDuringCompute = NumericsFlags.tf32CuBlasAllowed() || NumericsFlags.tf32CuDnnAllowed();
        String mode = Json.readTree(folder.resolve("config.json")).path("mode").asText("correct");
        SuiteResult.Builder r = SuiteResult.builder();
        if (Files.exists(folder.resolve("io.safetensors"))) {
            try (SafetensorsFile io = SafetensorsFile.open(folder.resolve("io.safetensors"))) {
                Tensor x = io.tensor("x").to(ctx.device(), io.tensor("x").scalar_type());
                r.put("io", "y", x.mul(new Scalar(2.0)));
            }
            return r.build();
        }
        if (mode.equals("nothing")) {
            return r.skip("outputs", "y_good", "this suite computes nothing in mode 'nothing'").build();
        }
        try (SafetensorsFile in = SafetensorsFile.open(folder.resolve("inputs.safetensors"))) {
            Tensor x = in.tensor("x");
            Tensor n = in.tensor("n");
            Tensor twice = x.mul(new Scalar(2.0));
            r.put("outputs", "y_good", mode.equals("wrong-shape") ? twice.t() : twice);
            r.put("outputs", "y_wrong", mode.equals("mixed") ? twice.add(new Scalar(1e-3)) : twice);
            if (mode.equals("mixed") || mode.equals("skip-one")) {
                r.skip("outputs", "y_skipped", "needs the loss, not ported yet");
            } else {
                r.put("outputs", "y_skipped", twice);
            }
            r.put("outputs", "counts", mode.equals("int-off") ? n.mul(new Scalar(2L)).add(new Scalar(1L)) : n.mul(new Scalar(2L)));
            r.put("grads", "g", x.mul(new Scalar(3.0)));
            r.put("outputs", "extra", x);
        }
        return r.build();
    }
}
