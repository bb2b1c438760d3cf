package dev.lofilora.dataset.layout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which sources.json licence ids may go into a training set. Ids compare case-insensitively.
 *
 * <p>The defaults ({@link #DEFAULT_ALLOWED}) are licences that allow derivative use, including commercial, plus
 * the user's own work. A {@code license_policy.json} in the {@code --config} folder
 * ({@code {"allowed_licenses": ["CC0-1.0", …]}}) replaces the list. Immutable.
 */
public record LicensePolicy(Set<String> allowed) {
    public static final String FILE = "license_policy.json";
    public static final List<String> DEFAULT_ALLOWED = List.of(
            "CC0-1.0", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "public-domain", "own-work");

    public LicensePolicy {
        TreeSet<String> norm = new TreeSet<>();
        for (String id : allowed) norm.add(id.trim().toLowerCase(Locale.ROOT));
        allowed = Set.copyOf(norm);
    }

    public static LicensePolicy defaults() { return new LicensePolicy(Set.copyOf(DEFAULT_ALLOWED)); }

    /** The policy of the config folder: its {@value #FILE} when it has one, else the defaults. */
    public static LicensePolicy load(ConfigFiles config) {
        Path dir = config.dir();
        if (dir == null || !Files.isRegularFile(dir.resolve(FILE))) return defaults();
        Path file = dir.resolve(FILE);
        JsonNode list = Json.readTree(file).get("allowed_licenses");
        if (list == null || !list.isArray()) {
            throw new LofiException(file, "has no \"allowed_licenses\" list", "write {\"allowed_licenses\": [\"CC0-1.0\", ...]}");
        }
        Set<String> ids = new TreeSet<>();
        for (JsonNode n : list) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new LofiException(file, "\"allowed_licenses\" has a non-string entry " + n, "use licence ids such as \"CC-BY-4.0\"");
            }
            ids.add(n.asText());
        }
        return new LicensePolicy(ids);
    }

    /** Null when {@code license} is allowed, else why not (missing, or not in the list). */
    public String problem(String license) {
        if (license == null || license.isBlank()) return "has no licence in sources.json";
        if (!allowed.contains(license.trim().toLowerCase(Locale.ROOT))) {
            return "licence \"" + license + "\" is not allowed for training (allowed: " + String.join(", ", allowed) + ")";
        }
        return null;
    }
}
