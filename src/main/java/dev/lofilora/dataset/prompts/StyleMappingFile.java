package dev.lofilora.dataset.prompts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code data/metadata/style_mapping.json}: {@code {"tracks": {"<key>": StyleAssignment, …}}}, keys sorted.
 * Written by {@code lofi prompts}, read by {@code lofi dataset} (its strata).
 */
public final class StyleMappingFile {
    public static final String NAME = "style_mapping.json";

    private StyleMappingFile() {}

    public static void write(Path file, Map<String, StyleAssignment> byTrack) throws IOException {
        Json.write(file, Map.of("tracks", new TreeMap<>(byTrack)));
    }

    /** The mapping in {@code file}, or empty when the file does not exist. */
    public static Optional<Map<String, StyleAssignment>> readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        JsonNode tracks = Json.readTree(file).get("tracks");
        if (tracks == null || !tracks.isObject()) {
            throw new LofiException(file, "has no \"tracks\" object", "rerun lofi prompts to rewrite it");
        }
        Map<String, StyleAssignment> out = new LinkedHashMap<>();
        var it = tracks.fields();
        while (it.hasNext()) {
            var e = it.next();
            try {
                out.put(e.getKey(), Json.MAPPER.treeToValue(e.getValue(), StyleAssignment.class));
            } catch (JsonProcessingException ex) {
                throw new LofiException(file, "entry \"" + e.getKey() + "\": " + ex.getOriginalMessage(),
                        "rerun lofi prompts to rewrite it");
            }
        }
        return Optional.of(out);
    }
}
