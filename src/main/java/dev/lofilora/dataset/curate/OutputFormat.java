package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How {@code process} writes its outputs: 24-bit PCM WAV (default) or 24-bit FLAC. */
public enum OutputFormat {
    WAV24("wav24", ".wav"),
    FLAC("flac", ".flac");

    private final String id;
    private final String extension;

    OutputFormat(String id, String extension) {
        this.id = id;
        this.extension = extension;
    }

    /** The config value, e.g. "wav24". */
    @JsonValue
    public String id() { return id; }

    /** The file extension with its dot. */
    public String extension() { return extension; }

    @JsonCreator
    public static OutputFormat parse(String s) {
        for (OutputFormat f : values()) if (f.id.equals(s.toLowerCase(Locale.ROOT))) return f;
        throw new IllegalArgumentException("output_format must be \"wav24\" or \"flac\", not \"" + s + "\"");
    }
}
