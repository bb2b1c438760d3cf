package dev.lofilora.dataset.split;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class StratifiedSplitterTest {
    private final StratifiedSplitter splitter = new StratifiedSplitter();

    /** 5 styles with 40, 20, 10, 2 and 1 tracks; artists of 1–4 tracks each. */
    private static List<SplitItem> library() {
        List<SplitItem> items = new ArrayList<>();
        int[] counts = {40, 20, 10, 2, 1};
        int artist = 0;
        for (int s = 0; s < counts.length; s++) {
            for (int i = 0; i < counts[s]; i++) {
                if (i % 3 == 0) artist++;
                items.add(new SplitItem("style" + s + "_track" + i, "style" + s, "Artist " + artist));
            }
        }
        return items;
    }

    @Test
    void everyStyleGetsItsShareAndStylesWithTwoTracksGetOne() {
        List<SplitItem> items = library();
        SplitPlan plan = splitter.split(items, 0.1, 42, false);
        Map<String, Integer> val = countByStyle(items, plan.validation());
        assertEquals(Map.of("style0", 4, "style1", 2, "style2", 1, "style3", 1), val);
        assertEquals(items.size(), plan.train().size() + plan.validation().size());
        assertTrue(plan.train().contains("style4_track0"), "a style's only track stays in train");
        assertTrue(Collections.disjoint(plan.train(), plan.validation()));
        assertEquals(List.of(), plan.warnings());
    }

    @Test
    void sameSeedSameSplitDifferentSeedDifferentSplitInputOrderIrrelevant() {
        List<SplitItem> items = library();
        SplitPlan a = splitter.split(items, 0.1, 7, false);
        List<SplitItem> shuffled = new ArrayList<>(items);
        Collections.shuffle(shuffled, new Random(123));
        SplitPlan b = splitter.split(shuffled, 0.1, 7, false);
        assertEquals(a, b);
        SplitPlan c = splitter.split(items, 0.1, 8, false);
        assertNotEquals(a.validation(), c.validation());
        assertEquals(a.validation().size(), c.validation().size());
    }

    @Test
    void groupingByArtistKeepsEachArtistOnOneSide() {
        List<SplitItem> items = library();
        SplitPlan plan = splitter.split(items, 0.2, 3, true);
        Set<String> val = new HashSet<>(plan.validation());
        Map<String, Set<Boolean>> sides = new HashMap<>();
        for (SplitItem it : items) sides.computeIfAbsent(it.artist(), k -> new HashSet<>()).add(val.contains(it.key()));
        sides.forEach((artist, s) -> assertEquals(1, s.size(), artist + " is on both sides"));
        Map<String, Integer> perStyle = countByStyle(items, plan.validation());
        for (String s : List.of("style0", "style1", "style2")) assertTrue(perStyle.getOrDefault(s, 0) >= 1, s);
        // style3's two tracks are by one artist: it cannot have a track on each side, and the plan says so.
        assertEquals(1, plan.warnings().size());
        assertTrue(plan.warnings().get(0).contains("style3"), plan.warnings().get(0));
        // about 20 % of each big style (whole artists of 3 tracks make it approximate)
        assertTrue(Math.abs(perStyle.get("style0") - 8) <= 3, "style0: " + perStyle.get("style0"));
        // without grouping the same items would split artists
        SplitPlan loose = splitter.split(items, 0.2, 3, false);
        Set<String> looseVal = new HashSet<>(loose.validation());
        boolean someArtistSplit = items.stream().anyMatch(a -> items.stream().anyMatch(b ->
                a.artist().equals(b.artist()) && looseVal.contains(a.key()) != looseVal.contains(b.key())));
        assertTrue(someArtistSplit);
    }

    @Test
    void aStyleAllByOneArtistStaysInTrainWithAWarningWhenGrouping() {
        List<SplitItem> items = List.of(
                new SplitItem("a1", "jazzy", "Solo"), new SplitItem("a2", "jazzy", "Solo"),
                new SplitItem("b1", "ambient", "X"), new SplitItem("b2", "ambient", "Y"));
        SplitPlan plan = splitter.split(items, 0.1, 1, true);
        assertFalse(plan.validation().contains("a1") || plan.validation().contains("a2"));
        assertEquals(1, plan.validation().size());
        assertEquals(1, plan.warnings().size());
        assertTrue(plan.warnings().get(0).contains("jazzy"), plan.warnings().get(0));
    }

    @Test
    void rejectsDuplicateKeysAndFractionsOutsideTheOpenInterval() {
        assertThrows(IllegalArgumentException.class, () -> splitter.split(
                List.of(new SplitItem("a", "s", null), new SplitItem("a", "t", null)), 0.1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> splitter.split(library(), 0, 1, false));
        assertThrows(IllegalArgumentException.class, () -> splitter.split(library(), 1, 1, false));
    }

    private static Map<String, Integer> countByStyle(List<SplitItem> items, List<String> keys) {
        Set<String> set = new HashSet<>(keys);
        Map<String, Integer> m = new HashMap<>();
        for (SplitItem it : items) if (set.contains(it.key())) m.merge(it.style(), 1, Integer::sum);
        return m;
    }
}
