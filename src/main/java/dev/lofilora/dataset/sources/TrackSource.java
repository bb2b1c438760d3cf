package dev.lofilora.dataset.sources;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of {@code data/metadata/sources.json} (schema: docs/sources-schema.md; loaded and validated by {@link SourcesFile}).
 *
 * @param file            path of the audio file relative to the raw folder (must stay inside it)
 * @param name            optional output name (the track's unique key in later stages); default: the file stem, sanitised
 * @param title           track title
 * @param artist          artist
 * @param sourceUrl       where the track came from
 * @param license         licence id, e.g. "CC0-1.0", "CC-BY-4.0", "own-work"
 * @param licenseEvidence where the licence is stated (URL, file, contract)
 * @param tier            a quality/source tier label (e.g. "gold", "silver", "own")
 * @param category        output sub-folder under data/processed
 * @param style           optional style preset id (config/style_presets.json)
 * @param lyrics          optional lyrics (absent for instrumentals)
 * @param attribution     optional attribution text the licence requires
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrackSource(
        @JsonProperty(value = "file", required = true) String file,
        @JsonProperty("name") String name,
        @JsonProperty("title") String title,
        @JsonProperty("artist") String artist,
        @JsonProperty("source_url") String sourceUrl,
        @JsonProperty("license") @JsonAlias("licence") String license,
        @JsonProperty("license_evidence") @JsonAlias("licence_evidence") String licenseEvidence,
        @JsonProperty("tier") String tier,
        @JsonProperty("category") String category,
        @JsonProperty("style") String style,
        @JsonProperty("lyrics") String lyrics,
        @JsonProperty("attribution") String attribution) {

    /** The unique key of the track in later stages: {@code name}, else the file stem with unsafe characters replaced by '_'. */
    public String outputName() {
        String base = name;
        if (base == null || base.isBlank()) {
            String f = file.replace('\\', '/');
            f = f.substring(f.lastIndexOf('/') + 1);
            int dot = f.lastIndexOf('.');
            base = dot > 0 ? f.substring(0, dot) : f;
        }
        return base.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
