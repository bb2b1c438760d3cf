package dev.lofilora.listen;

/**
 * One answer: which trial of which session, the systems on each side with how often and how long each was
 * played, the choice, and what it means in system terms ({@code preferred}: the winning system or null for a tie
 * or no preference; {@code strength}: 1 better, 2 much better, 0 the same, null no preference).
 */
public record RatingRecord(String session, String rater, String timestamp, int trial, String pair, SideRecord left,
                           SideRecord right, Choice choice, String preferred, Integer strength, String comment,
                           double answerSeconds) {

    /** A side of the trial: the system, how many times its clip was started, how many seconds it played. */
    public record SideRecord(String system, int plays, double listeningSeconds) {}

    /** The system preferred by {@code choice}, or null. */
    static String preferredBy(Choice choice, String left, String right) {
        if (!choice.decisive()) return null;
        return choice.leftAdvantage() > 0 ? left : right;
    }

    static Integer strengthOf(Choice choice) {
        return choice == Choice.NO_PREFERENCE ? null : Math.abs(choice.leftAdvantage());
    }

    /** How much better {@code system} was: +2 … −2 (0 for same or no preference). */
    public int advantageOf(String system) {
        return system.equals(left.system()) ? choice.leftAdvantage() : -choice.leftAdvantage();
    }
}
