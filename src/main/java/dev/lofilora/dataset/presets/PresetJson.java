package dev.lofilora.dataset.presets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small JSON reading helpers whose errors name the file, the place and the field. */
final class PresetJson {
    private PresetJson() {}

    static JsonNode read(ConfigFiles config, String name) {
        Path file = config.describe(name);
        JsonNode root = config.readJson(name);
        if (root == null || !root.isObject()) throw new LofiException(file, "must hold a JSON object", "see the shipped config/" + name);
        return root;
    }

    static JsonNode field(Path file, String where, JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) throw new LofiException(file, where + ": field '" + field + "' is missing", "add it (see the shipped file)");
        return v;
    }

    static String text(Path file, String where, JsonNode obj, String field) {
        JsonNode v = field(file, where, obj, field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new LofiException(file, where + ": field '" + field + "' must be a non-empty string, was " + v, "fix its value");
        }
        return v.asText();
    }

    static double number(Path file, String where, JsonNode obj, String field) {
        JsonNode v = field(file, where, obj, field);
        if (!v.isNumber()) throw new LofiException(file, where + ": field '" + field + "' must be a number, was " + v, "fix its value");
        return v.asDouble();
    }

    static int integer(Path file, String where, JsonNode obj, String field) {
        JsonNode v = field(file, where, obj, field);
        if (!v.isIntegralNumber()) throw new LofiException(file, where + ": field '" + field + "' must be an integer, was " + v, "fix its value");
        return v.asInt();
    }

    /** A list of non-empty strings; {@code allowEmpty} false rejects []. */
    static List<String> strings(Path file, String where, JsonNode v, boolean allowEmpty) {
        if (v == null || !v.isArray()) throw new LofiException(file, where + " must be a list of strings, was " + v, "write [\"a\", \"b\"]");
        if (!allowEmpty && v.isEmpty()) throw new LofiException(file, where + " is an empty list", "give at least one value");
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isBlank()) throw new LofiException(file, where + " has a non-string or empty entry " + e, "use non-empty strings");
            out.add(e.asText());
        }
        return out;
    }

    static List<String> strings(Path file, String where, JsonNode obj, String field) {
        return strings(file, where + ": field '" + field + "'", field(file, where, obj, field), false);
    }
}
