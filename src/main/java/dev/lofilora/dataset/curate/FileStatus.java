package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * The verdict on one file of a {@code process} run.
 * <ul>
 * <li>{@code ok}: written, every check passed;</li>
 * <li>{@code warn}: written, but a check warned (the reasons say which);</li>
 * <li>{@code rejected}: not written, by policy: no or disallowed licence, a bad sources.json entry, a missing file,
 * a failed quality check, silence, too long, over the true-peak ceiling with {@code over_ceiling = reject};</li>
 * <li>{@code error}: not written because the file could not be read or decoded (corrupt, not audio, empty,
 * unreadable) or processing failed.</li>
 * </ul>
 */
public enum FileStatus {
    OK, WARN, REJECTED, ERROR;

    @JsonValue
    public String id() { return name().toLowerCase(Locale.ROOT); }

    @JsonCreator
    public static FileStatus parse(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }

    /** Whether the file was written (ok or warn). */
    public boolean accepted() { return this == OK || this == WARN; }
}
