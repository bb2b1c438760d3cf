package dev.lofilora.dataset.prompts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link PromptsJob} wrote.
 *
 * @param tracks        tracks captioned
 * @param fromSources   tracks whose style came from sources.json
 * @param guessed       tracks whose style was guessed from the analysis (low confidence: review them)
 * @param guessedTracks the keys of the guessed tracks, sorted
 * @param styles        style id → tracks
 * @param prompts       key → the prompt written to its {@code _prompt.txt}
 * @param styleMapping  the style_mapping.json written
 * @param variantsFile  the prompt_variants.json written
 * @param warnings      sources.json entries left out (rejected as by lofi process), tempo/key readings left out
 *                      of prompts (unsure, or contradicting the style's tempo word)
 * @param cleaned       temporary files of an interrupted earlier run that were removed on start
 */
public record PromptsResult(@JsonProperty("tracks") int tracks, @JsonProperty("from_sources") int fromSources,
                            @JsonProperty("guessed") int guessed,
                            @JsonProperty("guessed_tracks") List<String> guessedTracks,
                            @JsonProperty("styles") Map<String, Integer> styles,
                            @JsonProperty("prompts") Map<String, String> prompts,
                            @JsonProperty("style_mapping") @JsonSerialize(using = ToStringSerializer.class) Path styleMapping,
                            @JsonProperty("prompt_variants") @JsonSerialize(using = ToStringSerializer.class) Path variantsFile,
                            @JsonProperty("warnings") List<String> warnings,
                            @JsonProperty("cleaned") List<String> cleaned) {
    public PromptsResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        cleaned = cleaned == null ? List.of() : List.copyOf(cleaned);
    }
}
