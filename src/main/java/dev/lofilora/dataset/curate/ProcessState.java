package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.lofilora.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resume state and proof of authorship of {@code process}: one small JSON file per track,
 * {@code <metadata>/process_state/<name>.json}, written atomically right after the track's output.
 *
 * <p>Format 2 keeps one record per output folder the track was written to ({@code --out}, absolute, normalised),
 * with the output's path <b>relative to that folder</b>, its size and its sha256. That is what lets a run prove a
 * file is its own before removing it: a file is removable only when it lies in the run's own {@code --out} at a
 * recorded relative path with the recorded size and sha256. A second run with another {@code --out} (or a copy of
 * the project folder) therefore never touches the first folder's files, and a copy's own files are recognised by
 * their content. Because each file stands alone, a run killed half-way leaves a consistent state for every track it
 * finished.
 *
 * <p>Format 1 (one absolute output path, no hash) is read and kept as a record without a hash: it still resumes
 * (same path and size, as before), but never proves a file removable; a resumed track is upgraded to format 2.
 */
final class ProcessState {
    static final int FORMAT = 2;
    /** Records kept per track: the current folder plus the most recent others. */
    static final int MAX_FOLDERS = 8;

    /**
     * What one run wrote for the track into one output folder.
     *
     * @param outDir       the output folder ({@code --out}), absolute and normalised
     * @param output       the output relative to {@code outDir} ({@code main/a.wav}); null for a split mix's record
     * @param outputBytes  its size
     * @param outputSha256 its sha256; null for a record migrated from format 1 (then it proves nothing)
     * @param inputSha256  sha256 of the input it was made from
     * @param configHash   the config hash of that run
     * @param parts        for a long mix cut by {@code --split-long}: the names of its parts; null otherwise
     * @param report       the file's report from that run; null for a split mix's record
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Output(String outDir, String output, Long outputBytes, String outputSha256, String inputSha256,
                  String configHash, List<String> parts, FileReport report) {}

    record Doc(int format, String name, List<Output> outputs) {}

    private static final ObjectReader READER = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String name;
    private final List<Output> outputs;

    private ProcessState(String name, List<Output> outputs) {
        this.name = name;
        this.outputs = List.copyOf(outputs);
    }

    static ProcessState empty(String name) { return new ProcessState(name, List.of()); }

    static Path file(Path stateDir, String name) {
        return stateDir.resolve(name + ".json");
    }

    static String key(Path outDir) {
        return outDir.toAbsolutePath().normalize().toString();
    }

    List<Output> outputs() { return outputs; }

    /** The record for output folder {@code outDir}, or null. */
    Output forOut(Path outDir) {
        String k = key(outDir);
        for (Output o : outputs) if (o.outDir().equals(k)) return o;
        return null;
    }

    /** This state with {@code o} as the record of its folder (the oldest other folders dropped past the limit). */
    ProcessState with(Output o) {
        List<Output> list = new ArrayList<>();
        list.add(o);
        for (Output x : outputs) {
            if (!x.outDir().equals(o.outDir()) && list.size() < MAX_FOLDERS) list.add(x);
        }
        return new ProcessState(name, list);
    }

    ProcessState without(Path outDir) {
        String k = key(outDir);
        return new ProcessState(name, outputs.stream().filter(o -> !o.outDir().equals(k)).toList());
    }

    /**
     * Whether {@code file}, at {@code rel} inside an output folder, is one this tool wrote for the track: some record
     * (of any folder: a copied project folder holds copies) has the same relative path, size and sha256.
     */
    boolean proves(String rel, Path file) throws IOException {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return false;
        long size = Files.size(file);
        String sha = null;
        for (Output o : outputs) {
            if (o.outputSha256() == null || o.output() == null || !o.output().equals(rel)
                    || o.outputBytes() == null || o.outputBytes() != size) continue;
            if (sha == null) sha = OutputKeeper.sha256(file);
            if (sha.equals(o.outputSha256())) return true;
        }
        return false;
    }

    /** The state of {@code name}: empty when there is none or it cannot be read (then the track is redone). */
    static ProcessState read(Path stateDir, String name) {
        Path f = file(stateDir, name);
        if (!Files.isRegularFile(f)) return empty(name);
        try {
            JsonNode root = Json.MAPPER.readTree(f.toFile());
            if (root.has("format")) {
                Doc d = READER.treeToValue(root, Doc.class);
                return new ProcessState(name, d.outputs() == null ? List.of() : d.outputs());
            }
            return new ProcessState(name, List.of(migrate(root)));
        } catch (IOException | RuntimeException e) {
            return empty(name);
        }
    }

    /** A format-1 entry: {inputSha256, configHash, output (absolute), outputBytes, report}. */
    private static Output migrate(JsonNode v1) throws IOException {
        Path out = Path.of(v1.path("output").asText()).toAbsolutePath().normalize();
        Path folder = out.getParent() == null || out.getParent().getParent() == null ? out.getParent()
                : out.getParent().getParent(); // <out>/<category>/<name>.<ext>
        FileReport report = v1.has("report") ? READER.treeToValue(v1.get("report"), FileReport.class) : null;
        return new Output(key(folder), folder.relativize(out).toString(), v1.path("outputBytes").asLong(), null,
                v1.path("inputSha256").asText(), v1.path("configHash").asText(), null, report);
    }

    /** Writes the state (atomically), or deletes the file when no record is left. */
    void write(Path stateDir) throws IOException {
        if (outputs.isEmpty()) {
            Files.deleteIfExists(file(stateDir, name));
            return;
        }
        Json.write(file(stateDir, name), new Doc(FORMAT, name, outputs));
    }
}
