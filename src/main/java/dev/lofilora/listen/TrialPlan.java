package dev.lofilora.listen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seeded plan of a session: which clip pairs, in which order, and which system is shown on the left.
 *
 * <p>Sides are balanced, then shuffled: of n trials, ⌊n/2⌋ show system A on the left and ⌊n/2⌋ show B there (the
 * odd one is a coin flip), in a seeded random order. Every trial is still a fair coin to the rater, but a session
 * can never pile one system onto one side by chance, which would confound position bias with preference.
 * {@link Random} is used because its sequence is fixed by the Java specification, so a seed plans the same session
 * on every JVM (and a resumed session can be checked against its plan).
 */
public final class TrialPlan {
    /** One planned trial: number (from 1), clip pair name, and whether system A is on the left. */
    public record Trial(int number, String pair, boolean aOnLeft) {}

    private TrialPlan() {}

    /** {@code pairs} of the clip names (0 or more than there are = all), ordered and sided by {@code seed}. */
    public static List<Trial> of(List<String> names, int pairs, long seed) {
        Random rnd = new Random(seed);
        List<String> order = new ArrayList<>(names);
        Collections.sort(order); // the plan depends on the names, not on the order a folder lists them in
        Collections.shuffle(order, rnd);
        int n = pairs <= 0 ? order.size() : Math.min(pairs, order.size());
        List<Boolean> sides = new ArrayList<>(n);
        for (int i = 0; i < n / 2; i++) {
            sides.add(true);
            sides.add(false);
        }
        if (n % 2 == 1) sides.add(rnd.nextBoolean());
        Collections.shuffle(sides, rnd);
        List<Trial> plan = new ArrayList<>(n);
        for (int i = 0; i < n; i++) plan.add(new Trial(i + 1, order.get(i), sides.get(i)));
        return List.copyOf(plan);
    }
}
