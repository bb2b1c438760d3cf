package dev.lofilora.dataset.layout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.dataset.sources.TrackSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of {@code sources.json} by output name (the track's unique key), read for the prompts and dataset
 * stages. The file holds a JSON list of entries, or an object with a {@code "tracks"} list.
 *
 * <p>A minimal reading of its own until the project's {@code SourcesFile} loader is merged; it checks what these
 * stages rely on: every entry parses as a {@link TrackSource}, its {@code file} stays inside the raw folder (no
 * absolute path, no {@code ..}), and output names are unique. Every problem is listed at once. Immutable.
 */
public final class SourcesIndex {
    private final Path file;
    private final Map<String, TrackSource> byName;

    private SourcesIndex(Path file, Map<String, TrackSource> byName) {
        this.file = file;
        this.byName = Collections.unmodifiableMap(byName);
    }

    public static SourcesIndex read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LofiException(file, "not found",
                    "write data/metadata/sources.json (one entry per track with its licence) or pass --metadata");
        }
        JsonNode root = Json.readTree(file);
        JsonNode list = root.isObject() ? root.get("tracks") : root;
        if (list == null || !list.isArray()) {
            throw new LofiException(file, "must be a JSON list of track entries (or an object with a \"tracks\" list)",
                    "see README \"sources.json\"");
        }
        Problems problems = new Problems();
        Map<String, TrackSource> byName = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "entry " + (i + 1);
            TrackSource t;
            try {
                t = Json.MAPPER.treeToValue(list.get(i), TrackSource.class);
            } catch (JsonProcessingException e) {
                problems.add(file, where + ": " + e.getOriginalMessage());
                continue;
            }
            if (t.file() == null || t.file().isBlank()) {
                problems.add(file, where + ": \"file\" is empty");
                continue;
            }
            if (escapesRawFolder(t.file())) {
                problems.add(file, where + ": file \"" + t.file() + "\" leaves the data folder (absolute or '..');"
                        + " give a path relative to the raw folder");
                continue;
            }
            TrackSource previous = byName.putIfAbsent(t.outputName(), t);
            if (previous != null) {
                problems.add(file, where + ": output name \"" + t.outputName() + "\" is also used by \""
                        + previous.file() + "\"; give one of them a distinct \"name\"");
            }
        }
        problems.throwIfAny(file + " is invalid", "fix the entries listed and run again");
        return new SourcesIndex(file, byName);
    }

    /** True when {@code relative} is absolute or climbs out of its folder ({@code ../x}, {@code a/../../x}). */
    static boolean escapesRawFolder(String relative) {
        String f = relative.replace('\\', '/');
        if (f.startsWith("/") || f.matches("^[A-Za-z]:.*")) return true;
        int depth = 0;
        for (String part : f.split("/")) {
            if (part.equals("..")) depth--;
            else if (!part.isEmpty() && !part.equals(".")) depth++;
            if (depth < 0) return true;
        }
        return false;
    }

    public Path file() { return file; }

    public Optional<TrackSource> get(String outputName) { return Optional.ofNullable(byName.get(outputName)); }

    /** Output name → entry, in file order. */
    public Map<String, TrackSource> all() { return byName; }
}
