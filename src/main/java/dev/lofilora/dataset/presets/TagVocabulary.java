package dev.lofilora.dataset.presets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tag vocabulary ({@code config/tag_vocabulary.json}): lowercase tags in named groups (genre,
 * instruments, mood, texture, tempo, setting). Each tag belongs to exactly one group. Immutable.
 */
public final class TagVocabulary {
    public static final String FILE = "tag_vocabulary.json";

    private final Map<String, List<String>> groups;
    private final Map<String, String> groupOfTag;

    TagVocabulary(Map<String, List<String>> groups) {
        this.groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        Map<String, String> index = new LinkedHashMap<>();
        groups.forEach((group, tags) -> tags.forEach(t -> index.put(t, group)));
        this.groupOfTag = Collections.unmodifiableMap(index);
    }

    /** Loads and validates the vocabulary; a problem throws a LofiException naming the file and the group. */
    public static TagVocabulary load(ConfigFiles config) {
        Path file = config.describe(FILE);
        JsonNode root = PresetJson.read(config, FILE);
        JsonNode groupsNode = root.get("groups");
        if (groupsNode == null || !groupsNode.isObject() || groupsNode.isEmpty()) {
            throw new LofiException(file, "has no \"groups\" object",
                    "write {\"groups\": {\"genre\": [\"lofi\", ...], ...}}");
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, String> seen = new LinkedHashMap<>();
        var fields = groupsNode.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            List<String> tags = PresetJson.strings(file, "group '" + e.getKey() + "'", e.getValue(), false);
            for (String t : tags) {
                if (!t.equals(t.strip().toLowerCase(java.util.Locale.ROOT)) || t.isEmpty() || t.contains(",")) {
                    throw new LofiException(file, "group '" + e.getKey() + "': tag '" + t
                            + "' must be lowercase, trimmed, non-empty and without commas", "fix the tag");
                }
                String previous = seen.put(t, e.getKey());
                if (previous != null) {
                    throw new LofiException(file, "tag '" + t + "' is in both group '" + previous + "' and group '"
                            + e.getKey() + "'", "keep it in one group");
                }
            }
            groups.put(e.getKey(), List.copyOf(tags));
        }
        return new TagVocabulary(groups);
    }

    /** Group name → tags, in file order. */
    public Map<String, List<String>> groups() { return groups; }

    public boolean contains(String tag) { return groupOfTag.containsKey(tag); }

    /** The group a tag belongs to. */
    public Optional<String> groupOf(String tag) { return Optional.ofNullable(groupOfTag.get(tag)); }

    /** Every tag, in file order. */
    public List<String> allTags() { return List.copyOf(groupOfTag.keySet()); }
}
