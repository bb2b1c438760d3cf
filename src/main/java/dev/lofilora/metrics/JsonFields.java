package dev.lofilora.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of a metric network's {@code config.json} fields (the original's names): a field may be absent (then
 * the released value is used); a present field of the wrong type is a {@link LofiException} naming the file and the
 * field.
 */
public final class JsonFields {
    private final JsonNode node;
    private final Path source;

    public JsonFields(JsonNode node, Path source) {
        this.node = node == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : node;
        this.source = source;
    }

    public Path source() { return source; }

    public JsonFields child(String name) { return new JsonFields(node.get(name), source); }

    public boolean has(String name) { return node.has(name) && !node.get(name).isNull(); }

    public int integer(String name, int dflt) {
        if (!has(name)) return dflt;
        JsonNode v = node.get(name);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) throw bad(name, "an integer");
        return v.asInt();
    }

    public double number(String name, double dflt) {
        if (!has(name)) return dflt;
        JsonNode v = node.get(name);
        if (!v.isNumber()) throw bad(name, "a number");
        return v.asDouble();
    }

    public boolean bool(String name, boolean dflt) {
        if (!has(name)) return dflt;
        JsonNode v = node.get(name);
        if (!v.isBoolean()) throw bad(name, "true or false");
        return v.asBoolean();
    }

    public String text(String name, String dflt) {
        if (!has(name)) return dflt;
        JsonNode v = node.get(name);
        if (!v.isTextual()) throw bad(name, "a string");
        return v.asText();
    }

    public List<Integer> integers(String name, List<Integer> dflt) {
        if (!has(name)) return dflt;
        JsonNode v = node.get(name);
        if (!v.isArray()) throw bad(name, "a list of integers");
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber()) throw bad(name, "a list of integers");
            out.add(e.asInt());
        }
        return List.copyOf(out);
    }

    /** A list of integers and the string "M" (VGG's layer spec); "M" becomes -1. */
    public List<Integer> layerSpec(String name, List<Integer> dflt) {
        if (!has(name)) return dflt;
        JsonNode v = node.get(name);
        if (!v.isArray()) throw bad(name, "a list of channel counts and \"M\"");
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (e.isTextual() && e.asText().equals("M")) out.add(-1);
            else if (e.isIntegralNumber() && e.asInt() > 0) out.add(e.asInt());
            else throw bad(name, "a list of channel counts and \"M\"");
        }
        return List.copyOf(out);
    }

    private LofiException bad(String name, String what) {
        return new LofiException(source, "field \"" + name + "\" is not " + what, "fix the config file");
    }
}
