package dev.lofilora.dataset.prompts;

import dev.lofilora.audio.analysis.TempoKey;
import dev.lofilora.dataset.presets.StylePreset;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The caption of a track, in ACE-Step's prompt format: lowercase tags joined by {@code ", "} (its converter splits
 * the prompt on exactly that).
 *
 * <p>Tags, in order: the preset's tags (most characteristic first); then, when the tempo is known, a tempo word
 * ({@code slow} below 75 BPM, {@code mid-tempo} below 100, {@code upbeat} from 100) unless the preset already has
 * one (its author's word for the style's feel wins; the number is exact anyway) and {@code "<bpm> bpm"} (rounded);
 * then, when the key is known, the key in lowercase ({@code "a minor"}, {@code "f# major"}). A track with lyrics
 * loses the preset's {@code instrumental} tag. Duplicates are removed, first occurrence kept. Example:
 * {@code "lofi hip hop, lofi, hip hop, chill, mellow, rhodes, vinyl crackle, jazzy chords, instrumental, mid-tempo,
 * 84 bpm, a minor"}.
 */
public final class PromptFormat {
    public static final String SEPARATOR = ", ";
    static final Set<String> TEMPO_WORDS = Set.of("slow", "mid-tempo", "upbeat");

    private PromptFormat() {}

    /**
     * @param bpm       tempo, or null when unknown
     * @param key       key as {@link TempoKey#keyName()} writes it ("A minor"), or null when unknown
     * @param hasLyrics whether the track has lyrics (then it is not "instrumental")
     */
    public static List<String> tags(StylePreset preset, Double bpm, String key, boolean hasLyrics) {
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        boolean hasTempoWord = false;
        for (String t : preset.tags()) {
            String tag = t.strip().toLowerCase(Locale.ROOT);
            if (hasLyrics && tag.equals("instrumental")) continue;
            hasTempoWord |= TEMPO_WORDS.contains(tag);
            tags.add(tag);
        }
        if (bpm != null) {
            if (!hasTempoWord) tags.add(tempoWord(bpm));
            tags.add(Math.round(bpm) + " bpm");
        }
        if (key != null) tags.add(key.toLowerCase(Locale.ROOT));
        return new ArrayList<>(tags);
    }

    public static String join(List<String> tags) { return String.join(SEPARATOR, tags); }

    static String tempoWord(double bpm) {
        return bpm < 75 ? "slow" : bpm < 100 ? "mid-tempo" : "upbeat";
    }

    /**
     * The analysed tempo, corrected for the usual half/double-time error: when it lies outside the preset's range
     * but its double or half lies inside, that one is taken (beat trackers and annotators often disagree by a
     * factor of two; the preset says which metrical level the style is counted at).
     */
    public static double foldIntoRange(StylePreset preset, double bpm) {
        if (preset.tempoContains(bpm)) return bpm;
        if (preset.tempoContains(bpm * 2)) return bpm * 2;
        if (preset.tempoContains(bpm / 2)) return bpm / 2;
        return bpm;
    }
}
