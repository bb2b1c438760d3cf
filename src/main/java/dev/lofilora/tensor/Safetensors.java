package dev.lofilora.tensor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens whatever a user points at: a {@code .safetensors} file, a {@code *.safetensors.index.json}, or a folder. */
public final class Safetensors {
    /** File names looked for in a folder, in this order (diffusers, then transformers naming). */
    public static final List<String> SINGLE_FILE_NAMES = List.of("diffusion_pytorch_model.safetensors",
            "model.safetensors");

    private Safetensors() {}

    /**
     * A file ending in {@code .index.json} opens as {@link ShardedSafetensors}, any other file as
     * {@link SafetensorsFile}; a folder holding {@code diffusion_pytorch_model.safetensors} or
     * {@code model.safetensors} opens that file, else a folder holding exactly one {@code *.safetensors.index.json}
     * opens that index. Anything else is a {@link SafetensorsException} saying what was looked for.
     */
    public static TensorSource open(Path fileOrDir) {
        if (Files.isDirectory(fileOrDir)) {
            for (String name : SINGLE_FILE_NAMES) {
                Path p = fileOrDir.resolve(name);
                if (Files.isRegularFile(p)) return SafetensorsFile.open(p);
            }
            List<Path> indexes = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(fileOrDir, "*.safetensors.index.json")) {
                ds.forEach(indexes::add);
            } catch (IOException e) {
                throw new SafetensorsException(fileOrDir, "cannot be listed: " + e.getMessage(), "check permissions", e);
            }
            if (indexes.size() == 1) return ShardedSafetensors.open(indexes.get(0));
            throw new SafetensorsException(fileOrDir, indexes.isEmpty()
                    ? "holds neither " + String.join(" nor ", SINGLE_FILE_NAMES) + " nor a *.safetensors.index.json"
                    : "holds " + indexes.size() + " *.safetensors.index.json files, so it is unclear which to load",
                    "point at the .safetensors file or the .index.json itself");
        }
        if (fileOrDir.getFileName() != null && fileOrDir.getFileName().toString().endsWith(".index.json")) {
            return ShardedSafetensors.open(fileOrDir);
        }
        return SafetensorsFile.open(fileOrDir);
    }
}
