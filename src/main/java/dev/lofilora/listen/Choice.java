package dev.lofilora.listen;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The rater's answer to one trial: a 5-point preference between the clip shown on the left (labelled A on the page)
 * and the one on the right (B), or no preference at all.
 */
public enum Choice {
    LEFT_MUCH_BETTER("left_much_better", 2, "A much better"),
    LEFT_BETTER("left_better", 1, "A better"),
    SAME("same", 0, "About the same"),
    RIGHT_BETTER("right_better", -1, "B better"),
    RIGHT_MUCH_BETTER("right_much_better", -2, "B much better"),
    /** No judgement (could not decide, both unusable): counts as a trial, never as a win, a tie or an agreement value. */
    NO_PREFERENCE("no_preference", 0, "No preference");

    private final String id;
    private final int leftAdvantage;
    private final String label;

    Choice(String id, int leftAdvantage, String label) {
        this.id = id;
        this.leftAdvantage = leftAdvantage;
        this.label = label;
    }

    @JsonValue
    public String id() { return id; }

    /** +2 … −2: how much better the left clip was (0 for {@link #SAME} and {@link #NO_PREFERENCE}). */
    public int leftAdvantage() { return leftAdvantage; }

    /** The page's label of this answer (A = left, B = right). */
    public String label() { return label; }

    /** True for a win of one side (not {@link #SAME}, not {@link #NO_PREFERENCE}). */
    public boolean decisive() { return leftAdvantage != 0; }

    @JsonCreator
    public static Choice parse(String id) {
        for (Choice c : values()) if (c.id.equals(id)) return c;
        throw new IllegalArgumentException("unknown choice \"" + id + "\" (one of left_much_better, left_better, same, "
                + "right_better, right_much_better, no_preference)");
    }
}
