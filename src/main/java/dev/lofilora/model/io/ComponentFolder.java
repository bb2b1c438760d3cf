package dev.lofilora.model.io;

import dev.lofilora.common.LofiException;
import dev.lofilora.nn.LoadReport;
import dev.lofilora.nn.Module;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.SafetensorsException;
import dev.lofilora.tensor.TensorSource;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One frozen-component folder of an ACE-Step checkpoint ({@code music_dcae_f8c8/}, {@code music_vocoder/},
 * {@code umt5-base/}) or of a golden set: a {@code config.json} and the weights — {@code diffusion_pytorch_model.safetensors}
 * or {@code model.safetensors} (a sharded {@code *.safetensors.index.json} also opens), else the golden
 * {@code weights.safetensors}. Every problem is a {@link LofiException} naming the folder or file and the fix.
 */
public final class ComponentFolder {
    public static final String GOLDEN_WEIGHTS = "weights.safetensors";

    private final Path dir;
    private final String role;

    /** @param role what the folder is, for messages ("the DCAE folder music_dcae_f8c8") */
    public ComponentFolder(Path dir, String role) {
        this.dir = dir;
        this.role = role;
        if (!Files.isDirectory(dir)) {
            throw new LofiException(dir, Files.exists(dir) ? "is not a folder" : "does not exist (" + role + ")",
                    "point --model at an ACE-Step checkpoint folder holding music_dcae_f8c8/, music_vocoder/ and "
                            + "umt5-base/ (or use --model tiny)");
        }
    }

    public Path dir() { return dir; }

    /** {@code config.json}, which must exist. */
    public Path config() {
        Path c = dir.resolve("config.json");
        if (!Files.isRegularFile(c)) {
            throw new LofiException(dir, "holds no config.json (" + role + ")",
                    "copy the whole folder from the ACE-Step checkpoint");
        }
        return c;
    }

    /** The weights file (see the class comment), which must exist. */
    public Path weights() {
        for (String name : Safetensors.SINGLE_FILE_NAMES) if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
        try (var ds = Files.newDirectoryStream(dir, "*.safetensors.index.json")) {
            for (Path p : ds) return p;
        } catch (java.io.IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check its permissions");
        }
        if (Files.isRegularFile(dir.resolve(GOLDEN_WEIGHTS))) return dir.resolve(GOLDEN_WEIGHTS);
        throw new LofiException(dir, "holds no weights (" + role + "; looked for "
                + String.join(", ", Safetensors.SINGLE_FILE_NAMES) + ", *.safetensors.index.json, " + GOLDEN_WEIGHTS + ")",
                "download the safetensors weights into it (pickled .bin files are not read)");
    }

    /**
     * Loads the weights strictly by name into {@code module}, allocating on {@code device} in float32.
     *
     * @param optional  module keys the file may lack (buffers the module computes itself, e.g. the mel filterbank)
     * @param aliases   module key → file key to read instead when the module key is absent (tied weights)
     * @param ignored   file keys that are not module keys on purpose (the tied alias itself)
     */
    public LoadReport load(Module module, Device device, Set<String> optional, Map<String, String> aliases,
                           Set<String> ignored) {
        Path weights = weights();
        try (TensorSource source = Safetensors.open(weights)) {
            Set<String> file = new HashSet<>(source.names());
            List<String> present = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            Set<String> used = new HashSet<>();
            for (String key : module.stateDict().keySet()) {
                String from = file.contains(key) ? key : aliases.getOrDefault(key, key);
                if (file.contains(from)) {
                    present.add(key);
                    used.add(from);
                } else if (!optional.contains(key)) {
                    missing.add(key);
                }
            }
            List<String> unexpected = new ArrayList<>();
            for (String k : source.names()) if (!used.contains(k) && !ignored.contains(k)) unexpected.add(k);
            LoadReport r = module.loadStateDict(present, key -> source.tensor(file.contains(key) ? key
                    : aliases.getOrDefault(key, key)), device, ScalarType.Float, false);
            LoadReport all = new LoadReport(missing, unexpected, r.shapeMismatches(), r.loaded());
            if (!all.clean()) {
                throw new LofiException(weights, "does not match " + config().getFileName() + " (" + role + "): "
                        + all.describe(), "check that the weights and config.json come from the same model");
            }
            module.to(device, ScalarType.Float); // buffers the file did not hold move too
            module.train(false);
            return all;
        } catch (SafetensorsException e) {
            throw new LofiException(weights, "cannot be read as safetensors: " + e.getMessage(),
                    "download the file again", e);
        }
    }
}
