package dev.lofilora.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prompt variants of every track ({@code prompt_variants.json} of {@code lofi prompts}): a track's prompts are its
 * {@code _prompt.txt} (the caption ACE-Step trains on) followed by its variants, duplicates removed, each cut to 256
 * characters as ACE-Step's dataset does ({@code prompt[:256]}). A track the file does not list has its prompt alone.
 */
final class PromptSet {
    /** ACE-Step's {@code prompt = prompt[:256]} (characters, i.e. code points). */
    static final int MAX_CHARS = 256;

    private final Map<String, List<String>> variants;

    private PromptSet(Map<String, List<String>> variants) {
        this.variants = variants;
    }

    /** Reads {@code file} if it exists (an unreadable file is a {@link dev.lofilora.common.LofiException}). */
    static PromptSet read(Path file) {
        Map<String, List<String>> out = new TreeMap<>();
        if (file != null && Files.isRegularFile(file)) {
            JsonNode tracks = Json.readTree(file).path("tracks");
            for (var it = tracks.fields(); it.hasNext(); ) {
                var e = it.next();
                List<String> v = new ArrayList<>();
                for (JsonNode n : e.getValue().path("variants")) if (n.isTextual()) v.add(n.asText());
                out.put(e.getKey(), List.copyOf(v));
            }
        }
        return new PromptSet(out);
    }

    /** The prompts of {@code key}: {@code prompt} first, then its variants. */
    List<String> prompts(String key, String prompt) {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        all.add(cut(prompt.strip()));
        for (String v : variants.getOrDefault(key, List.of())) all.add(cut(v.strip()));
        return List.copyOf(all);
    }

    static String cut(String s) {
        return s.codePointCount(0, s.length()) <= MAX_CHARS ? s : s.substring(0, s.offsetByCodePoints(0, MAX_CHARS));
    }
}
