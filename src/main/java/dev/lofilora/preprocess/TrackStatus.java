package dev.lofilora.preprocess;

import com.fasterxml.jackson.annotation.JsonValue;

/** What {@code preprocess} did with one track. */
public enum TrackStatus {
    /** Encoded and written (also when padded to the 3-s minimum). */
    ENCODED("encoded"),
    /** Its cache file already held this audio, prompts and lyrics from these encoders: skipped. */
    UNCHANGED("unchanged"),
    /** Left out as ACE-Step's trainer leaves it out (more than 95 % of its samples silent). */
    DROPPED("dropped"),
    /** Could not be encoded (unreadable audio, missing text file, unsupported lyrics, a cache from another model). */
    FAILED("failed");

    private final String id;

    TrackStatus(String id) { this.id = id; }

    @JsonValue
    public String id() { return id; }

    /** Whether the track has a valid cache entry after the run. */
    public boolean cached() { return this == ENCODED || this == UNCHANGED; }
}
