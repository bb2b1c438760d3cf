package dev.lofilora.dataset.prompts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded caption variants of a track for caption diversity: each variant drops some tags and shuffles the rest.
 *
 * <p>Rules: the first tag (the style's main genre) is never dropped; a variant drops between 0 and
 * {@code min(n − 3, round(0.3·n))} of the other tags, then all kept tags are shuffled. Variants differ from the
 * canonical prompt and from each other where the tags allow it (up to 20 draws per variant). The random stream of a
 * track depends only on the seed and the track's key ({@link Random} seeded from SHA-256 of the key, mixed with the
 * seed), so adding or removing other tracks never changes a track's variants.
 */
public final class PromptVariants {
    private static final int ATTEMPTS = 20;

    private PromptVariants() {}

    public static List<String> variants(List<String> tags, String key, long seed, int count) {
        Random rnd = new Random(seed ^ stableHash(key));
        Set<String> seen = new LinkedHashSet<>();
        seen.add(PromptFormat.join(tags));
        List<String> out = new ArrayList<>();
        for (int v = 0; v < count; v++) {
            String candidate = null;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                candidate = PromptFormat.join(draw(tags, rnd));
                if (!seen.contains(candidate)) break;
            }
            seen.add(candidate);
            out.add(candidate);
        }
        return out;
    }

    private static List<String> draw(List<String> tags, Random rnd) {
        int n = tags.size();
        List<String> kept = new ArrayList<>(tags);
        int maxDrop = Math.max(0, Math.min(n - 3, (int) Math.round(0.3 * n)));
        int drop = maxDrop == 0 ? 0 : rnd.nextInt(maxDrop + 1);
        for (int d = 0; d < drop; d++) kept.remove(1 + rnd.nextInt(kept.size() - 1)); // index 0 stays
        for (int i = kept.size() - 1; i > 0; i--) { // Fisher–Yates, spelled out for a fixed sequence per seed
            int j = rnd.nextInt(i + 1);
            String t = kept.get(i);
            kept.set(i, kept.get(j));
            kept.set(j, t);
        }
        return kept;
    }

    static long stableHash(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
