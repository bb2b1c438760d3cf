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
 * loses the preset's {@code instrumental} tag. Duplicates are removed, first occurrence kept. The caption never
 * contradicts itself: a tempo outside the preset's range whose word differs from the preset's own tempo word (say
 * 113 BPM for a "slow" style) is left out, since the two cannot both be right and the analyser is the likelier to
 * be wrong (half/double time); the caller leaves out readings the analyser is unsure of
 * ({@link #MIN_BPM_CONFIDENCE}, {@link #MIN_KEY_CONFIDENCE}). Example:
 * {@code "lofi hip hop, lofi, hip hop, chill, mellow, rhodes, vinyl crackle, jazzy chords, instrumental, mid-tempo,
 * 84 bpm, a minor"}.
 */
public final class PromptFormat {
    public static final String SEPARATOR = ", ";
    static final Set<String> TEMPO_WORDS = Set.of("slow", "mid-tempo", "upbeat");
    /**
     * Below this tempo confidence the bpm is left out of a prompt (it stays in style_mapping.json): a sustained chord
     * with no beat reads 0.27, noise 0.06, while 74 of 76 synthesised tuning clips read 0.3 or more
     * (PromptConfidenceTest).
     */
    public static final double MIN_BPM_CONFIDENCE = 0.3;
    /**
     * Below this key confidence (the best key's share of the 24 keys' probability) the key is left out of a prompt:
     * drums without pitch read 0.57, noise 0.34, while 56 of the 62 correctly keyed synthesised tuning clips read
     * 0.6 or more (PromptConfidenceTest).
     */
    public static final double MIN_KEY_CONFIDENCE = 0.6;

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
        if (bpm != null && consistentTempo(preset, bpm)) {
            if (!hasTempoWord) tags.add(tempoWord(bpm));
            tags.add(Math.round(bpm) + " bpm");
        }
        if (key != null) tags.add(key.toLowerCase(Locale.ROOT));
        return new ArrayList<>(tags);
    }

    public static String join(List<String> tags) { return String.join(SEPARATOR, tags); }

    /** The preset's own tempo word (slow, mid-tempo, upbeat), or null when its tags have none. */
    public static String presetTempoWord(StylePreset preset) {
        for (String t : preset.tags()) {
            String tag = t.strip().toLowerCase(Locale.ROOT);
            if (TEMPO_WORDS.contains(tag)) return tag;
        }
        return null;
    }

    /**
     * Whether {@code bpm} agrees with the preset's tempo word: it does when the preset has none, when the tempo lies
     * in the preset's range (its author chose the word for that range), or when the tempo's own word is the same.
     */
    public static boolean consistentTempo(StylePreset preset, double bpm) {
        String word = presetTempoWord(preset);
        return word == null || preset.tempoContains(Math.round(bpm)) || word.equals(tempoWord(Math.round(bpm)));
    }

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
