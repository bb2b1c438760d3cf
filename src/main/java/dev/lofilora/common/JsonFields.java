package dev.lofilora.common;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of one config object's fields with the original constructor's default when a field is absent (as
 * {@code from_pretrained} does); a present field of the wrong type is a {@link LofiException} naming the file and
 * the field.
 */
public final class JsonFields {
    private final JsonNode node;
    private final Path file;

    public JsonFields(JsonNode node, Path file) {
        if (node == null || !node.isObject()) {
            throw new LofiException(file, "is not a JSON object", "a model config.json holds one object of fields");
        }
        this.node = node;
        this.file = file;
    }

    public Path file() { return file; }

    public boolean has(String field) { return node.has(field) && !node.get(field).isNull(); }

    public int integer(String field, int fallback) {
        if (!has(field)) return fallback;
        JsonNode v = node.get(field);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) throw bad(field, "an integer", v);
        return v.asInt();
    }

    public double number(String field, double fallback) {
        if (!has(field)) return fallback;
        JsonNode v = node.get(field);
        if (!v.isNumber()) throw bad(field, "a number", v);
        return v.asDouble();
    }

    public boolean bool(String field, boolean fallback) {
        if (!has(field)) return fallback;
        JsonNode v = node.get(field);
        if (!v.isBoolean()) throw bad(field, "true or false", v);
        return v.asBoolean();
    }

    public String text(String field, String fallback) {
        if (!has(field)) return fallback;
        JsonNode v = node.get(field);
        if (!v.isTextual()) throw bad(field, "a string", v);
        return v.asText();
    }

    public List<Integer> ints(String field, List<Integer> fallback) {
        if (!has(field)) return fallback;
        JsonNode v = node.get(field);
        if (!v.isArray()) throw bad(field, "a list of integers", v);
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber()) throw bad(field, "a list of integers", v);
            out.add(e.asInt());
        }
        return List.copyOf(out);
    }

    /** A list of integer lists ({@code [[], [5]]}); a flat list of integers counts as one list per entry. */
    public List<List<Integer>> intLists(String field, List<List<Integer>> fallback) {
        if (!has(field)) return fallback;
        JsonNode v = node.get(field);
        if (!v.isArray()) throw bad(field, "a list of integer lists", v);
        List<List<Integer>> out = new ArrayList<>();
        for (JsonNode e : v) {
            List<Integer> inner = new ArrayList<>();
            if (e.isArray()) {
                for (JsonNode x : e) {
                    if (!x.isIntegralNumber()) throw bad(field, "a list of integer lists", v);
                    inner.add(x.asInt());
                }
            } else if (e.isIntegralNumber()) {
                inner.add(e.asInt());
            } else {
                throw bad(field, "a list of integer lists", v);
            }
            out.add(List.copyOf(inner));
        }
        return List.copyOf(out);
    }

    /** A string, or a list of strings; a single string stands for {@code count} copies (diffusers' convention). */
    public List<String> texts(String field, String fallback, int count) {
        JsonNode v = has(field) ? node.get(field) : null;
        List<String> out = new ArrayList<>();
        if (v == null || v.isTextual()) {
            String s = v == null ? fallback : v.asText();
            for (int i = 0; i < count; i++) out.add(s);
            return List.copyOf(out);
        }
        if (!v.isArray()) throw bad(field, "a string or a list of strings", v);
        for (JsonNode e : v) {
            if (!e.isTextual()) throw bad(field, "a string or a list of strings", v);
            out.add(e.asText());
        }
        if (out.size() != count) {
            throw new LofiException(file, "\"" + field + "\" lists " + out.size() + " entries, expected " + count,
                    "give one per block, or a single string for all");
        }
        return List.copyOf(out);
    }

    private LofiException bad(String field, String want, JsonNode got) {
        return new LofiException(file, "field \"" + field + "\" must be " + want + ", not " + got,
                "fix the config (it uses the original constructor's argument names)");
    }
}
