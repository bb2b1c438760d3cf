package dev.lofilora.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent, test-only reading of an HF BPE tokenizer.json (added tokens split out first, the Whitespace
 * pre-tokenizer {@code \w+|[^\w\s]+}, merges applied by rank, unknown characters as {@code [UNK]}), so the lyric ids
 * can be checked against the vocabulary file without going through the binding under test.
 */
final class ReferenceBpe {
    private final Map<String, Long> vocab = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private final List<String> added = new ArrayList<>();
    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    ReferenceBpe(Path file) {
        JsonNode root = Json.readTree(file);
        root.path("model").path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asLong()));
        int r = 0;
        for (JsonNode m : root.path("model").path("merges")) ranks.put(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText(), r++);
        for (JsonNode t : root.path("added_tokens")) {
            added.add(t.path("content").asText());
            vocab.put(t.path("content").asText(), t.path("id").asLong());
        }
        added.sort((a, b) -> b.length() - a.length());
    }

    long id(String token) {
        return vocab.get(token);
    }

    List<Long> encode(String text) {
        List<Long> out = new ArrayList<>();
        int i = 0;
        StringBuilder plain = new StringBuilder();
        while (i < text.length()) {
            String hit = null;
            for (String a : added) if (text.startsWith(a, i)) { hit = a; break; }
            if (hit == null) { plain.append(text.charAt(i++)); continue; }
            words(plain.toString(), out);
            plain.setLength(0);
            out.add(vocab.get(hit));
            i += hit.length();
        }
        words(plain.toString(), out);
        return out;
    }

    private void words(String s, List<Long> out) {
        Matcher m = WORDS.matcher(s);
        while (m.find()) {
            List<String> parts = new ArrayList<>();
            m.group().codePoints().forEach(cp -> parts.add(new String(Character.toChars(cp))));
            while (true) {
                int best = -1, bestRank = Integer.MAX_VALUE;
                for (int k = 0; k + 1 < parts.size(); k++) {
                    Integer rank = ranks.get(parts.get(k) + " " + parts.get(k + 1));
                    if (rank != null && rank < bestRank) { bestRank = rank; best = k; }
                }
                if (best < 0) break;
                parts.set(best, parts.get(best) + parts.remove(best + 1));
            }
            for (String p : parts) out.add(vocab.getOrDefault(p, vocab.get("[UNK]")));
        }
    }
}
