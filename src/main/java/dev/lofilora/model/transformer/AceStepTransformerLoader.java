package dev.lofilora.model.transformer;

import dev.lofilora.common.LofiException;
import dev.lofilora.nn.LoadReport;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.TensorSource;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads an ACE-Step transformer folder — {@code config.json} plus {@code diffusion_pytorch_model.safetensors}, a
 * sharded {@code *.safetensors.index.json}, or (golden folders) {@code weights.safetensors} — into a chosen dtype
 * and device. The model is built on meta and each parameter is allocated on the target just before it is copied
 * from the memory-mapped file, so there is never a second full copy in memory. Loading is by name.
 */
public final class AceStepTransformerLoader {
    /** Weight files looked for in a folder besides the diffusers names handled by {@link Safetensors#open}. */
    public static final String GOLDEN_WEIGHTS = "weights.safetensors";

    private AceStepTransformerLoader() {}

    /** A loaded model with what the load found (always clean when loaded strictly). */
    public record Loaded(ACEStepTransformer2DModel model, LoadReport report, Path weights) implements AutoCloseable {
        @Override public void close() { model.close(); }
    }

    /** Strict load: any missing, unexpected or mis-shaped key is a {@link LofiException} listing them. */
    public static Loaded load(Path dir, Device device, ScalarType dtype, boolean roundRopeToBf16) {
        return load(dir, device, dtype, roundRopeToBf16, true);
    }

    /**
     * @param strict when false, a partial load returns its report instead of failing (missing parameters stay on
     *               meta and the model cannot run until they are set)
     */
    public static Loaded load(Path dir, Device device, ScalarType dtype, boolean roundRopeToBf16, boolean strict) {
        requireFolder(dir);
        AceStepConfig config = AceStepConfig.read(dir.resolve("config.json"));
        Path weights = weightsOf(dir);
        ACEStepTransformer2DModel model = new ACEStepTransformer2DModel(config, roundRopeToBf16);
        try (TensorSource source = Safetensors.open(weights)) {
            LoadReport report = model.loadStateDict(source.names(), source::tensor, device, dtype, false);
            if (strict && !report.clean()) {
                model.close();
                throw new LofiException(weights, "does not match " + dir.resolve("config.json").getFileName()
                        + ": " + report.describe(), "check that the weights and config.json come from the same model");
            }
            model.train(false);
            return new Loaded(model, report, weights);
        } catch (RuntimeException e) {
            if (!(e instanceof LofiException)) model.close();
            throw e;
        }
    }

    /**
     * The weights of a transformer folder: {@code diffusion_pytorch_model.safetensors} (or {@code model.safetensors}),
     * else the one {@code *.safetensors.index.json}, else {@code weights.safetensors}.
     */
    public static Path weightsOf(Path dir) {
        requireFolder(dir);
        for (String name : Safetensors.SINGLE_FILE_NAMES) {
            if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
        }
        List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors.index.json")) {
            ds.forEach(indexes::add);
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check its permissions");
        }
        if (indexes.size() == 1) return indexes.get(0);
        if (indexes.size() > 1) {
            throw new LofiException(dir, "holds " + indexes.size() + " *.safetensors.index.json files",
                    "keep only the index of the transformer's shards");
        }
        if (Files.isRegularFile(dir.resolve(GOLDEN_WEIGHTS))) return dir.resolve(GOLDEN_WEIGHTS);
        throw new LofiException(dir, "holds no transformer weights (looked for "
                + String.join(", ", Safetensors.SINGLE_FILE_NAMES) + ", *.safetensors.index.json, " + GOLDEN_WEIGHTS + ")",
                "point at the ace_step_transformer folder of an ACE-Step v1 checkpoint");
    }

    private static void requireFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new LofiException(dir, Files.exists(dir) ? "is not a folder" : "does not exist",
                    "point at a transformer folder holding config.json and the weights");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new LofiException(dir, "holds no config.json", "point at the ace_step_transformer folder (config.json + "
                    + "diffusion_pytorch_model.safetensors)");
        }
    }
}
