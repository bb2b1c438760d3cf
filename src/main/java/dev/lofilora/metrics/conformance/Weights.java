package dev.lofilora.metrics.conformance;

import dev.lofilora.common.LofiException;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.metrics.WeightLoading;
import dev.lofilora.nn.Module;
import dev.lofilora.tensor.SafetensorsFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A component folder's {@code weights.safetensors}, loaded strictly under a prefix. */
final class Weights {
    private Weights() {}

    static void load(Module model, Path folder, String prefix, String what, ConformanceContext ctx) {
        Path file = folder.resolve("weights.safetensors");
        if (!Files.isRegularFile(file)) {
            throw new LofiException(file, "is missing", "the " + folder.getFileName() + " golden needs its weights");
        }
        try (SafetensorsFile w = SafetensorsFile.open(file)) {
            WeightLoading.load(model, w, file, prefix, List.of(), what, ctx.device());
        }
    }
}
