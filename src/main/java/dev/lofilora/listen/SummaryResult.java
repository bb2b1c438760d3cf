package dev.lofilora.listen;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code lofi listen --summary} reports: counts, per pair of systems the win rate with its 95 % Wilson interval
 * and the sign test, Bradley–Terry strengths when more than two systems were rated, and inter-rater agreement.
 *
 * @param chart         the PNG bar chart written beside the scores file, or null when none was written
 * @param bradleyTerry  null with two systems or fewer
 */
public record SummaryResult(Path scores, Path chart, int sessions, int completeSessions, List<String> raters,
                            List<String> systems, int trials, int decisive, List<PairStats> pairs,
                            Strengths bradleyTerry, Agreement agreement) {

    /** Bradley–Terry strengths (Σ = 1, best first), or a note saying why there is no estimate. */
    public record Strengths(List<Strength> systems, int sweeps, String note) {}

    /** One system's strength p and log strength (natural log, centred on the systems' mean). */
    public record Strength(String system, double strength, double logStrength, int wins, int losses) {}

    SummaryResult withChart(Path png) {
        return new SummaryResult(scores, png, sessions, completeSessions, raters, systems, trials, decisive, pairs,
                bradleyTerry, agreement);
    }
}
