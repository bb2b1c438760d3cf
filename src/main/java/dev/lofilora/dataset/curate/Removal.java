package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One file that {@code process} removed, moved aside, or deliberately kept, for one track. A run only ever deletes
 * a file inside its own {@code --out} that its resume state proves it wrote (same path relative to {@code --out},
 * same size, same sha256); a file in the way of an output that it cannot prove its own is moved aside to
 * {@code <out>/.lofi-kept/}, never deleted.
 *
 * @param path    the file (absolute)
 * @param action  {@value #DELETED}, {@value #MOVED} or {@value #KEPT}
 * @param movedTo where a moved file now is; null otherwise
 * @param reason  why, in words
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Removal(String path, String action, String movedTo, String reason) {
    public static final String DELETED = "deleted";
    public static final String MOVED = "moved";
    public static final String KEPT = "kept";
    static final String PREFIX_REMOVED = "removed ";
    static final String PREFIX_MOVED = "moved ";
    static final String PREFIX_KEPT = "kept ";

    static Removal deleted(String path, String reason) { return new Removal(path, DELETED, null, reason); }

    static Removal moved(String path, String to, String reason) { return new Removal(path, MOVED, to, reason); }

    static Removal kept(String path, String reason) { return new Removal(path, KEPT, null, reason); }

    /** The sentence in the file's reasons and the table. */
    @JsonIgnore
    public String sentence() {
        return switch (action) {
            case DELETED -> PREFIX_REMOVED + path + " (" + reason + ")";
            case MOVED -> PREFIX_MOVED + path + " to " + movedTo + " (" + reason + ")";
            default -> PREFIX_KEPT + path + " (" + reason + ")";
        };
    }
}
