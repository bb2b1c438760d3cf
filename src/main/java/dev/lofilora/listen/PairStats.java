package dev.lofilora.listen;

import java.util.List;

/**
 * The answers on one pair of systems ({@code system} before {@code other} in name order), counted over every
 * session. A decisive trial is one where a system won; {@code same} and {@code no_preference} are not.
 *
 * @param winRate      wins / decisive trials of {@code system}, null without decisive trials
 * @param ciLow        lower end of the 95 % Wilson score interval of {@code winRate}
 * @param ciHigh       upper end of that interval
 * @param signTestP    two-sided exact sign test (binomial, p = ½) of wins against losses; 1 without decisive trials
 * @param meanScore    mean of {@code system}'s advantage on the 5-point scale (+2 much better … −2 much worse) over
 *                     the trials with a preference (same counts 0; no preference left out), null if none
 */
public record PairStats(String system, String other, int trials, int wins, int losses, int same, int noPreference,
                        int decisive, Double winRate, Double ciLow, Double ciHigh, double signTestP, Double meanScore,
                        List<String> raters) {}
