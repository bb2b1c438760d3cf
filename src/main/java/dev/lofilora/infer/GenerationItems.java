package dev.lofilora.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A generation set from a JSON Lines file ({@code --prompts}): one object per line with {@code name}, {@code prompt}
 * and optionally {@code lyrics}, {@code duration} (default: the command's) and {@code seed}; blank lines and lines
 * starting with {@code #} are skipped. Every item is checked, and names must be unique, before anything runs.
 */
public final class GenerationItems {
    private GenerationItems() {}

    /** Reads and checks {@code file}; errors name the file and line. */
    public static List<GenerationItem> readJsonl(Path file, double defaultDuration) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LofiException(file, Files.exists(file) ? "cannot be read: " + e.getMessage() : "does not exist",
                    "give a JSON Lines file with one {\"name\", \"prompt\", ...} object per line");
        }
        List<GenerationItem> items = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String where = file.getFileName() + " line " + (i + 1);
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new LofiException(file, "line " + (i + 1) + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""),
                        "write one JSON object per line");
            }
            if (!n.isObject()) throw new LofiException(file, "line " + (i + 1) + " is not a JSON object", "write one object per line");
            for (var it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!Set.of("name", "prompt", "lyrics", "duration", "seed").contains(f)) {
                    throw new LofiException(file, "line " + (i + 1) + " has an unknown field \"" + f + "\"",
                            "use name, prompt, lyrics, duration and seed");
                }
            }
            JsonNode seed = n.get("seed");
            if (seed != null && !seed.isNull() && !seed.canConvertToLong()) {
                throw new LofiException(file, "line " + (i + 1) + ": seed " + seed + " is not an integer", "give an integer seed");
            }
            JsonNode duration = n.get("duration");
            if (duration != null && !duration.isNull() && !duration.isNumber()) {
                throw new LofiException(file, "line " + (i + 1) + ": duration " + duration + " is not a number",
                        "give the duration in seconds");
            }
            GenerationItem item = new GenerationItem(text(n, "name"), text(n, "prompt"), text(n, "lyrics"),
                    duration == null || duration.isNull() ? defaultDuration : duration.asDouble(),
                    seed == null || seed.isNull() ? null : seed.asLong());
            item.check(where);
            items.add(item);
        }
        if (items.isEmpty()) throw new LofiException(file, "holds no items", "write one JSON object per line");
        checkUnique(items);
        return List.copyOf(items);
    }

    /** Refuses two items with the same name (their files would overwrite each other). */
    public static void checkUnique(List<GenerationItem> items) {
        Set<String> seen = new HashSet<>();
        for (GenerationItem it : items) {
            if (!seen.add(it.name())) {
                throw new LofiException("two items are named \"" + it.name() + "\"", "give every item its own name");
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
