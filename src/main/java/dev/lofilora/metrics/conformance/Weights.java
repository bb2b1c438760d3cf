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
        load(model, folder, prefix, List.of(), what, ctx);
    }

    /** The same, with checkpoint keys the model does not have on purpose ({@code ClapModel.UNUSED_KEYS}). */
    static void load(Module model, Path folder, String prefix, List<String> ignorable, String what, ConformanceContext ctx) {
        Path file = folder.resolve("weights.safetensors");
        if (!Files.isRegularFile(file)) {
            throw new LofiException(file, "is missing", "the " + folder.getFileName() + " golden needs its weights");
        }
        try (SafetensorsFile w = SafetensorsFile.open(file)) {
            WeightLoading.load(model, w, file, prefix, ignorable, what, ctx.device());
        }
    }
}
