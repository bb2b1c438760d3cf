package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.tensor.SafetensorsException;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of a run: {@code <run>/checkpoints/step-NNNNNN/} with the PEFT adapter
 * ({@code adapter_model.safetensors} + {@code adapter_config.json}), {@code optimizer.safetensors} (AdamW moments,
 * step counts in the metadata) and {@code training_state.json}. A checkpoint is written into a hidden temporary
 * folder beside the others and renamed into place only when every file is complete, so a crash, a kill or a failed
 * write never leaves a half-written {@code step-*} folder; only the newest {@code keep} are kept.
 */
public final class CheckpointStore {
    static final String STATE = "training_state.json";
    static final String OPTIMIZER = "optimizer.safetensors";
    private static final Pattern NAME = Pattern.compile("step-(\\d{6,})");

    /** Called before each file of a checkpoint is written (tests inject a failure here); may throw. */
    @FunctionalInterface
    public interface WriteHook {
        void beforeWrite(Path file) throws IOException;

        WriteHook NONE = f -> { };
    }

    private final Path dir;
    private final int keep;
    private final WriteHook hook;

    public CheckpointStore(Path dir, int keep, WriteHook hook) {
        this.dir = dir;
        this.keep = keep;
        this.hook = hook == null ? WriteHook.NONE : hook;
    }

    public Path dir() { return dir; }

    /** {@code step-000120}. */
    public static String name(long step) { return String.format("step-%06d", step); }

    /** Writes a checkpoint atomically, then deletes all but the newest {@code keep}; returns its folder. */
    public Path write(TrainingState state, LoraModel lora, AdamW.State optimizer) {
        Path target = dir.resolve(name(state.step()));
        Path tmp = dir.resolve("." + name(state.step()) + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            hook.beforeWrite(tmp.resolve(AdapterFiles.PEFT_WEIGHTS));
            AdapterFiles.writePeft(tmp, lora);
            hook.beforeWrite(tmp.resolve(OPTIMIZER));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("lofi.adamw_steps", Json.toString(optimizer.steps()));
            SafetensorsWriter.write(tmp.resolve(OPTIMIZER), optimizer.tensors(), meta);
            hook.beforeWrite(tmp.resolve(STATE));
            Json.write(tmp.resolve(STATE), state);
            if (Files.exists(target)) deleteTree(target); // a re-run of the same step (resume after a later failure)
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } catch (IOException | UncheckedIOException e) {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // the temporary folder is hidden and replaced by the next attempt
            }
            throw new LofiException(target, "could not be written: " + e.getMessage(), "check free disk space and "
                    + "permissions of " + dir + "; the previous checkpoint is intact and --resume continues from it", e);
        }
        prune();
        return target;
    }

    private void prune() {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            try {
                deleteTree(all.get(i));
            } catch (IOException e) {
                throw new LofiException(all.get(i), "old checkpoint could not be deleted: " + e.getMessage(),
                        "delete it by hand");
            }
        }
    }

    /** The complete checkpoints, oldest first. */
    public List<Path> list() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .sorted(Comparator.comparingLong(CheckpointStore::stepOf)).toList();
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check its permissions");
        }
    }

    /** The newest complete checkpoint. */
    public Optional<Path> latest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Reads a checkpoint's state. */
    public static TrainingState readState(Path checkpoint) {
        JsonNode n = Json.readTree(checkpoint.resolve(STATE));
        try {
            return Json.MAPPER.treeToValue(n, TrainingState.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new LofiException(checkpoint.resolve(STATE), "is not a training state: " + e.getMessage(),
                    "resume from another checkpoint (delete this one)");
        }
    }

    /** Reads a checkpoint's optimiser state (tensors are views of the mapped file, owned by the caller). */
    public static AdamW.State readOptimizer(Path checkpoint) {
        Path f = checkpoint.resolve(OPTIMIZER);
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String n : file.names()) tensors.put(n, file.tensor(n));
            String steps = file.metadata().get("lofi.adamw_steps");
            if (steps == null) throw new LofiException(f, "has no lofi.adamw_steps metadata", "resume from another checkpoint");
            Map<String, Long> counts = new LinkedHashMap<>();
            Json.MAPPER.readTree(steps).properties().forEach(e -> counts.put(e.getKey(), e.getValue().asLong()));
            return new AdamW.State(tensors, counts);
        } catch (SafetensorsException | IOException e) {
            throw new LofiException(f, "is not readable: " + e.getMessage(), "resume from another checkpoint", e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
