package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The part of a run's configuration that determines its numbers: model, cache folder contents, adapter config and
 * every setting except the operational ones ({@link TrainSettings#OPERATIONAL}). A resumed run must have the same
 * identity; {@link #differences} says which fields changed.
 */
final class RunIdentity {
    private RunIdentity() {}

    static ObjectNode of(ObjectNode model, CacheIndex data, ObjectNode lora, TrainSettings settings) {
        ObjectNode id = Json.MAPPER.createObjectNode();
        id.set("model", model);
        StringBuilder tracks = new StringBuilder();
        for (CacheIndex.Entry e : data.entries()) tracks.append(e.key()).append(':').append(e.frames()).append(';');
        ObjectNode d = id.putObject("data");
        d.put("folder", data.dir().toAbsolutePath().normalize().toString());
        d.put("tracks", data.size());
        d.put("tracks_sha256", sha256(tracks.toString()));
        id.set("lora", lora);
        ObjectNode s = settings.toJson();
        TrainSettings.OPERATIONAL.forEach(s::remove);
        id.set("settings", s);
        return id;
    }

    static String hash(JsonNode identity) {
        return sha256(canonical(identity));
    }

    /** "settings.learning_rate: 1.0E-4 → 2.0E-4" for each leaf that differs. */
    static List<String> differences(JsonNode was, JsonNode now) {
        List<String> out = new ArrayList<>();
        diff("", was, now, out);
        return out;
    }

    private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            TreeMap<String, Boolean> keys = new TreeMap<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) keys.put(it.next(), true);
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) keys.put(it.next(), true);
            for (String k : keys.keySet()) diff(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
        } else if (a == null || b == null || !same(a, b)) {
            out.add(path + ": " + (a == null ? "(absent)" : a.toString()) + " → " + (b == null ? "(absent)" : b.toString()));
        }
    }

    /** Equal values; numbers by value (a config read back may hold 8 as an int where the live one has a long). */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }

    private static String canonical(JsonNode n) {
        if (n.isNumber()) return n.decimalValue().stripTrailingZeros().toPlainString();
        if (!n.isObject()) return n.toString();
        TreeMap<String, String> sorted = new TreeMap<>();
        n.properties().forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
        StringBuilder sb = new StringBuilder("{");
        sorted.forEach((k, v) -> sb.append('"').append(k).append("\":").append(v).append(','));
        return sb.append('}').toString();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
