package dev.lofilora.dataset.prompts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The style a track was given, and on what grounds: one entry of {@code data/metadata/style_mapping.json}.
 *
 * @param style          the style preset id
 * @param source         {@value #FROM_SOURCES} (the user's choice) or {@value #FROM_ANALYSIS} (nearest preset to the
 *                       analysed tempo and key: a guess)
 * @param confidence     1 for a style from sources.json; for a guess, how well the analysis fits the preset (0–1)
 * @param lowConfidence  true for every guessed style: review it, or set "style" in sources.json
 * @param bpm            analysed tempo (after folding half/double-time errors into the preset's range), or null
 * @param bpmConfidence  the analyser's tempo confidence, or null
 * @param key            analysed key, e.g. "A minor", or null
 * @param keyConfidence  the analyser's key confidence, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StyleAssignment(
        @JsonProperty("style") String style,
        @JsonProperty("source") String source,
        @JsonProperty("confidence") double confidence,
        @JsonProperty("low_confidence") boolean lowConfidence,
        @JsonProperty("bpm") Double bpm,
        @JsonProperty("bpm_confidence") Double bpmConfidence,
        @JsonProperty("key") String key,
        @JsonProperty("key_confidence") Double keyConfidence) {
    public static final String FROM_SOURCES = "sources.json";
    public static final String FROM_ANALYSIS = "analysis";
}
