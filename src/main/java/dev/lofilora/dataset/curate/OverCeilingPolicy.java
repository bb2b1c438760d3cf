package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What {@code process} does when the true peak after loudness gain exceeds the ceiling. */
public enum OverCeilingPolicy {
    /** Run the look-ahead true-peak limiter (the file is kept). */
    LIMIT,
    /** Reject the file with the reason. */
    REJECT;

    @JsonValue
    public String id() { return name().toLowerCase(Locale.ROOT); }

    @JsonCreator
    public static OverCeilingPolicy parse(String s) {
        for (OverCeilingPolicy p : values()) if (p.id().equals(s.toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("over_ceiling must be \"limit\" or \"reject\", not \"" + s + "\"");
    }
}
