package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.lofilora.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resume state of {@code process}: one small JSON file per track, {@code <metadata>/process_state/<name>.json},
 * written atomically right after the track's output. Because each file stands alone, a run killed half-way leaves
 * a consistent state for every track it finished, and the next run skips exactly those.
 */
final class ProcessState {
    private ProcessState() {}

    /**
     * @param inputSha256 sha256 of the input the output was made from
     * @param configHash  the run's config hash
     * @param output      the output path
     * @param outputBytes the output size (a cheap check that the file is still the one written)
     * @param report      the file's report from that run
     */
    record Entry(String inputSha256, String configHash, String output, long outputBytes, FileReport report) {
        boolean matches(String sha256, String hash, Path out) {
            try {
                return inputSha256.equals(sha256) && configHash.equals(hash) && output.equals(out.toString())
                        && Files.isRegularFile(out) && Files.size(out) == outputBytes;
            } catch (IOException e) {
                return false;
            }
        }
    }

    static Path file(Path stateDir, String name) {
        return stateDir.resolve(name + ".json");
    }

    /** The state of {@code name}, or null when there is none or it cannot be read (then the track is redone). */
    static Entry read(Path stateDir, String name) {
        Path f = file(stateDir, name);
        if (!Files.isRegularFile(f)) return null;
        try {
            return Json.MAPPER.readerFor(Entry.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(f.toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static void write(Path stateDir, String name, Entry e) throws IOException {
        Json.write(file(stateDir, name), e);
    }

    static void delete(Path stateDir, String name) throws IOException {
        Files.deleteIfExists(file(stateDir, name));
    }
}
