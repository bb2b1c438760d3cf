package dev.lofilora.lora;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.ShardedSafetensors;
import dev.lofilora.tensor.TensorInfo;
import dev.lofilora.tensor.TensorSource;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code lofi merge}: a complete ACE-Step checkpoint folder whose transformer has a LoRA folded in
 * ({@link LoraMerge#fold}: {@code W + s·B·A} in float32, stored in the base's dtype), laid out exactly as the base:
 * the same files, the same shards holding the same tensors in the same order (so the same sizes), the index copied,
 * each file's {@code __metadata__} kept. ACE-Step's {@code from_pretrained} and this project load it by layout and
 * names like the original. The other components (DCAE, vocoder, UMT5, anything else in the folder) are hard-linked,
 * or copied where links are not possible or {@code copy} is set. {@code lofi_merge.json} records what was merged.
 *
 * <p>Streams tensor by tensor: untouched tensors go from the memory-mapped base to the new file, each merged one is
 * computed when the writer reaches it and freed after, and a shard without any target is linked as it is — peak memory
 * stays near one tensor (research/acestep.md §1.1 layout). Everything is checked (folder layout, adapter format,
 * every target present with the adapter's shapes) before anything is written; the result is built in a temporary
 * sibling folder renamed into place, so an interrupted run leaves nothing half-written.
 */
public final class MergeJob {
    /** The transformer folder inside an ACE-Step checkpoint. */
    public static final String TRANSFORMER_DIR = "ace_step_transformer";
    /** What the merge writes beside the components. */
    public static final String RECORD = "lofi_merge.json";

    /**
     * @param model            the base ACE-Step v1 checkpoint folder
     * @param lora             an adapter file or folder in any format {@link AdapterFiles#read} takes
     * @param scale            {@code --scale}: {@code lofi generate --lora-scale}'s meaning (1.0 = as trained)
     * @param acestepLoraScale apply the scale as ACE-Step's own loader does (alpha ignored)
     * @param out              the folder to create
     * @param copy             copy the other components instead of hard-linking them
     * @param force            replace an existing {@code out}
     */
    public record Config(Path model, Path lora, double scale, boolean acestepLoraScale, Path out, boolean copy,
                         boolean force) {}

    /** What was written. */
    public record Result(Path out, Path lora, String loraFormat, String loraSha256, double scale, double effectiveScale,
                         int layersMerged, List<String> transformerFiles, int linkedFiles, int copiedFiles,
                         double seconds) {}

    private final Config config;

    public MergeJob(Config config) { this.config = config; }

    public Result run(ProgressListener progress) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        long t0 = System.nanoTime();
        Path base = config.model();
        Path transformer = base.resolve(TRANSFORMER_DIR);
        if (!Files.isDirectory(transformer) || !Files.isRegularFile(transformer.resolve("config.json"))) {
            throw new LofiException(base, "holds no " + TRANSFORMER_DIR + "/config.json",
                    "point --model at an ACE-Step v1 checkpoint folder (ace_step_transformer/, music_dcae_f8c8/, …)");
        }
        Path out = config.out();
        if (out.toAbsolutePath().normalize().startsWith(base.toAbsolutePath().normalize())) {
            throw new LofiException(out, "is inside the base folder " + base, "write the merged model elsewhere");
        }
        if (Files.exists(out) && !config.force()) {
            throw new LofiException(out, "exists", "choose another --out or pass --force to replace it");
        }
        Path weights = dev.lofilora.model.transformer.AceStepTransformerLoader.weightsOf(transformer);
        try (AdapterFile adapter = AdapterFiles.read(config.lora()); TensorSource source = Safetensors.open(weights)) {
            double s = LoraMerge.effectiveScale(adapter, config.scale(), config.acestepLoraScale());
            Set<String> targets = LoraMerge.targets(adapter.weights());
            checkTargets(adapter, targets, source);
            Path tmp = out.toAbsolutePath().getParent().resolve("." + out.getFileName() + ".lofi-"
                    + ProcessHandle.current().pid() + ".tmp");
            deleteTree(tmp);
            Counts counts = new Counts();
            List<String> files = new ArrayList<>();
            boolean done = false;
            try {
                Files.createDirectories(tmp);
                linkTree(base, tmp, Set.of(transformer.toAbsolutePath().normalize()), counts);
                Path tOut = tmp.resolve(TRANSFORMER_DIR);
                Files.createDirectories(tOut);
                linkTree(transformer, tOut, Set.of(weightFiles(weights, source).toArray(new Path[0])), counts);
                files.addAll(writeTransformer(weights, source, adapter, targets, s, tOut, counts, listener));
                String sha = sha256(adapter.source());
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("base", base.toAbsolutePath().toString());
                record.put("lora", adapter.source().toAbsolutePath().toString());
                record.put("lora_format", adapter.format().name().toLowerCase(java.util.Locale.ROOT));
                record.put("lora_sha256", sha);
                record.put("lora_scale", config.scale());
                record.put("lora_scale_mode", config.acestepLoraScale() ? "acestep_loader" : "training");
                record.put("effective_scale", s);
                record.put("layers_merged", targets.size());
                record.put("transformer_files", files);
                Json.write(tmp.resolve(RECORD), record);
                if (Files.exists(out)) deleteTree(out);
                Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                done = true;
                return new Result(out, adapter.source(), adapter.format().name().toLowerCase(java.util.Locale.ROOT), sha,
                        config.scale(), s, targets.size(), files, counts.linked, counts.copied,
                        (System.nanoTime() - t0) / 1e9);
            } catch (IOException e) {
                throw new LofiException(out, "cannot be written: " + e.getMessage(), "check the path, free space and permissions");
            } finally {
                if (!done) deleteTree(tmp);
            }
        }
    }

    /** Every target has {@code <path>.weight} [out, in] in the base, with lora_A [r, in] and lora_B [out, r]. */
    private static void checkTargets(AdapterFile adapter, Set<String> targets, TensorSource source) {
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (String t : targets) {
            String key = t + ".weight";
            if (!source.contains(key)) {
                missing.add(key);
                continue;
            }
            long[] w = source.info(key).shape();
            long[] a = adapter.weights().get(t + ".lora_A.weight").sizes().vec().get();
            long[] b = adapter.weights().get(t + ".lora_B.weight").sizes().vec().get();
            if (w.length != 2 || a[1] != w[1] || b[0] != w[0]) {
                mismatched.add(t + ": base " + Arrays.toString(w) + ", lora_A " + Arrays.toString(a) + ", lora_B "
                        + Arrays.toString(b));
            }
        }
        if (!missing.isEmpty() || !mismatched.isEmpty()) {
            throw new LofiException(adapter.source(), "does not fit this model: "
                    + (missing.isEmpty() ? "" : missing.size() + " target layer(s) missing from the base (e.g. "
                    + missing.get(0) + ")" + (mismatched.isEmpty() ? "" : "; "))
                    + (mismatched.isEmpty() ? "" : "shape mismatches: " + String.join("; ",
                    mismatched.subList(0, Math.min(3, mismatched.size())))),
                    "merge a LoRA trained for this base model (its ace_step_transformer/config.json)");
        }
    }

    /** The weight files (one .safetensors, or the index and its shards). */
    private static List<Path> weightFiles(Path weights, TensorSource source) {
        List<Path> out = new ArrayList<>();
        out.add(weights.toAbsolutePath().normalize());
        if (source instanceof ShardedSafetensors sharded) {
            for (SafetensorsFile f : sharded.shards()) out.add(f.path().toAbsolutePath().normalize());
        }
        return out;
    }

    private List<String> writeTransformer(Path weights, TensorSource source, AdapterFile adapter, Set<String> targets,
                                          double scale, Path tOut, Counts counts, ProgressListener listener)
            throws IOException {
        List<String> written = new ArrayList<>();
        List<SafetensorsFile> files = new ArrayList<>(source instanceof ShardedSafetensors sharded ? sharded.shards()
                : List.of((SafetensorsFile) source));
        files.sort(java.util.Comparator.comparing(f -> f.path().getFileName().toString()));
        if (source instanceof ShardedSafetensors) {
            Files.copy(weights, tOut.resolve(weights.getFileName()));       // the index, unchanged
            counts.copied++;
        }
        listener.start("merge", files.size());
        for (SafetensorsFile f : files) {
            Path target = tOut.resolve(f.path().getFileName());
            boolean touched = f.names().stream().anyMatch(n -> n.endsWith(".weight")
                    && targets.contains(n.substring(0, n.length() - ".weight".length())));
            if (!touched || scale == 0) {
                link(f.path(), target, counts);                              // bytes identical to the base
            } else {
                List<SafetensorsWriter.Deferred> tensors = new ArrayList<>();
                for (String name : f.names()) {
                    TensorInfo info = f.info(name);
                    String module = name.endsWith(".weight") ? name.substring(0, name.length() - 7) : null;
                    if (module != null && targets.contains(module)) {
                        Tensor a = adapter.weights().get(module + ".lora_A.weight");
                        Tensor b = adapter.weights().get(module + ".lora_B.weight");
                        tensors.add(new SafetensorsWriter.Deferred(name, info.dtype(), info.shape(),
                                () -> LoraMerge.fold(f.tensor(name), a, b, scale)));
                    } else {
                        tensors.add(new SafetensorsWriter.Deferred(name, info.dtype(), info.shape(), () -> f.tensor(name)));
                    }
                }
                SafetensorsWriter.writeDeferred(target, tensors, f.metadata());
                written.add(target.getFileName().toString());
            }
            listener.advance(1, f.path().getFileName().toString());
        }
        listener.finish();
        return written;
    }

    private static final class Counts {
        int linked;
        int copied;
    }

    /** Links (or copies) every file under {@code from} into {@code to}, skipping the paths in {@code skip}. */
    private void linkTree(Path from, Path to, Set<Path> skip, Counts counts) throws IOException {
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                Path abs = p.toAbsolutePath().normalize();
                if (skip.contains(abs)) continue;
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.contains(".lofi-")) continue;       // another run's debris
                Path target = to.resolve(name);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    linkTree(p, target, skip, counts);
                } else if (Files.isRegularFile(p)) {
                    link(p, target, counts);
                }
            }
        }
    }

    private void link(Path src, Path target, Counts counts) throws IOException {
        if (!config.copy()) {
            try {
                Files.createLink(target, src.toRealPath());
                counts.linked++;
                return;
            } catch (IOException | UnsupportedOperationException e) {
                // another file system, or links not allowed: copy instead
            }
        }
        Files.copy(src, target);
        counts.copied++;
    }

    /** sha256 of a file, or of a folder's adapter weights. */
    static String sha256(Path p) {
        Path file = p;
        if (Files.isDirectory(p)) {
            file = Files.isRegularFile(p.resolve(AdapterFiles.PEFT_WEIGHTS)) ? p.resolve(AdapterFiles.PEFT_WEIGHTS)
                    : p.resolve(AdapterFiles.ACESTEP_WEIGHTS);
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
