package dev.lofilora.listen;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class TrialPlanTest {
    private static List<String> names(int n) {
        return IntStream.range(0, n).mapToObj(i -> String.format("clip_%04d", i)).toList();
    }

    @Test
    void thousandSeededTrialsPutEachSystemOnTheLeftHalfOfTheTime() {
        List<TrialPlan.Trial> plan = TrialPlan.of(names(1000), 0, 20240611L);
        assertEquals(1000, plan.size());
        long aLeft = plan.stream().filter(TrialPlan.Trial::aOnLeft).count();
        assertTrue(Math.abs(aLeft / 1000.0 - 0.5) <= 0.03, "A on the left in " + aLeft + " of 1000");
        assertEquals(500, aLeft, "balanced design: exactly half");
        // ...and the sides are shuffled, not alternating: the longest run of one side is several trials long
        int run = 1, longest = 1;
        for (int i = 1; i < plan.size(); i++) {
            run = plan.get(i).aOnLeft() == plan.get(i - 1).aOnLeft() ? run + 1 : 1;
            longest = Math.max(longest, run);
        }
        assertTrue(longest >= 5, "longest run " + longest);
    }

    @Test
    void everyTrialPositionIsAFairCoinAcrossSeeds() {
        // Over 4000 seeds, trial 1 and trial 7 of a 10-trial session show A on the left 50 % ± 3 % (sd 0.8 %).
        int[] left = new int[10];
        int seeds = 4000;
        for (long s = 0; s < seeds; s++) {
            List<TrialPlan.Trial> plan = TrialPlan.of(names(10), 0, s);
            for (TrialPlan.Trial t : plan) if (t.aOnLeft()) left[t.number() - 1]++;
        }
        for (int pos = 0; pos < 10; pos++) {
            assertEquals(0.5, left[pos] / (double) seeds, 0.03, "trial " + (pos + 1));
        }
    }

    @Test
    void theSeedFixesPairsOrderAndSidesWhateverTheListingOrder() {
        List<String> shuffled = new ArrayList<>(names(30));
        java.util.Collections.reverse(shuffled);
        List<TrialPlan.Trial> p1 = TrialPlan.of(names(30), 12, 99), p2 = TrialPlan.of(shuffled, 12, 99);
        assertEquals(p1, p2);
        assertEquals(12, p1.size());
        assertEquals(12, new HashSet<>(p1.stream().map(TrialPlan.Trial::pair).toList()).size(), "no pair twice");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), p1.stream().map(TrialPlan.Trial::number).toList());
        assertNotEquals(p1, TrialPlan.of(names(30), 12, 100), "another seed, another plan");
        assertEquals(6, p1.stream().filter(TrialPlan.Trial::aOnLeft).count());
        assertEquals(30, TrialPlan.of(names(30), 0, 1).size(), "0 = every pair");
        assertEquals(30, TrialPlan.of(names(30), 99, 1).size(), "more than there are = every pair");
    }
}
