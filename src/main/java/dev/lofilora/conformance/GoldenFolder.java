package dev.lofilora.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One golden folder and what it expects, read from its {@code tolerances.json} in either layout of the contract:
 * <ul>
 *   <li><b>nested</b> (acestep): {@code {"outputs": {"sample": {"atol": ..}, ..}, "grads": {..}, "_rule": ..}} — one
 *       object per expected file {@code <group>.safetensors}, then per key;</li>
 *   <li><b>flat</b> (codecs): {@code {"wav": {"role": "input", ..}, "logmel": {"role": "output", "atol": ..}}} — one
 *       entry per tensor of {@code io.safetensors}; only {@code role: output} entries are expected.</li>
 * </ul>
 * Top-level keys starting with {@code _} are notes. Keys ending in {@code _f64} are float64 twins kept for debugging;
 * they are listed but not counted.
 */
public final class GoldenFolder {
    /** Name of the tolerance file that marks a golden folder. */
    public static final String TOLERANCES = "tolerances.json";
    /** The group (expected file) of a flat-layout folder. */
    public static final String FLAT_GROUP = "io";

    /** One expected tensor: {@code <group>.safetensors} key {@code key}, passing when max|Δ| ≤ {@code atol}. */
    public record Expected(String group, String key, double atol, boolean f64Twin) {}

    private final Path dir;
    private final boolean flat;
    private final List<Expected> expected;

    private GoldenFolder(Path dir, boolean flat, List<Expected> expected) {
        this.dir = dir;
        this.flat = flat;
        this.expected = expected;
    }

    /** Whether {@code dir} holds a {@code tolerances.json}. */
    public static boolean isGoldenFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(TOLERANCES));
    }

    /** The golden folders directly inside {@code parent}, sorted by name. */
    public static List<Path> childGoldenFolders(Path parent) {
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(Files::isDirectory).filter(GoldenFolder::isGoldenFolder).sorted().toList();
        } catch (IOException e) {
            throw new LofiException(parent, "cannot be listed: " + e.getMessage(), "check permissions");
        }
    }

    /** Reads {@code dir/tolerances.json}; a malformed file is a {@link LofiException} naming it. */
    public static GoldenFolder read(Path dir) {
        Path file = dir.resolve(TOLERANCES);
        JsonNode root = Json.readTree(file);
        if (!root.isObject()) {
            throw new LofiException(file, "is not a JSON object", "a golden tolerances.json maps names to tolerances");
        }
        List<Expected> out = new ArrayList<>();
        Boolean flat = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.startsWith("_")) continue;
            JsonNode v = e.getValue();
            if (!v.isObject()) {
                throw new LofiException(file, "entry \"" + name + "\" is not an object", "see ../shared/golden/README.md");
            }
            boolean entryIsFlat = v.has("role") || v.has("atol");
            if (flat != null && flat != entryIsFlat) {
                throw new LofiException(file, "mixes per-tensor entries (with role/atol) and per-file groups",
                        "use one layout (see ../shared/golden/README.md)");
            }
            flat = entryIsFlat;
            if (entryIsFlat) {
                String role = v.path("role").asText("output");
                if (role.equals("input")) continue;
                if (!role.equals("output")) {
                    throw new LofiException(file, "entry \"" + name + "\" has role \"" + role + "\"",
                            "role must be input or output");
                }
                out.add(new Expected(FLAT_GROUP, name, atol(file, name, v), name.endsWith("_f64")));
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> kt = v.fields(); kt.hasNext(); ) {
                    Map.Entry<String, JsonNode> k = kt.next();
                    if (k.getKey().startsWith("_")) continue;
                    out.add(new Expected(name, k.getKey(), atol(file, name + "/" + k.getKey(), k.getValue()),
                            k.getKey().endsWith("_f64")));
                }
            }
        }
        return new GoldenFolder(dir, flat != null && flat, List.copyOf(out));
    }

    private static double atol(Path file, String name, JsonNode v) {
        JsonNode a = v.get("atol");
        if (a == null || !a.isNumber() || a.asDouble() < 0 || !Double.isFinite(a.asDouble())) {
            throw new LofiException(file, "entry \"" + name + "\" has no non-negative number \"atol\"",
                    "every expected output needs an atol (see ../shared/golden/README.md)");
        }
        return a.asDouble();
    }

    public Path dir() { return dir; }

    /** True for the per-tensor (codecs) layout, false for the per-file (acestep) layout. */
    public boolean isFlat() { return flat; }

    /** Every expected entry, {@code _f64} twins included, in the order of the tolerance file. */
    public List<Expected> expected() { return expected; }

    /** The expected file of a group. */
    public Path fileOf(String group) {
        return dir.resolve(group + ".safetensors");
    }

    /** group → expected keys (twins included), in file order. */
    public Map<String, Set<String>> keysByGroup() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        for (Expected e : expected) m.computeIfAbsent(e.group(), g -> new LinkedHashSet<>()).add(e.key());
        return m;
    }
}
