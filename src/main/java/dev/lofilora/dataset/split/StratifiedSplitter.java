package dev.lofilora.dataset.split;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A seeded, style-stratified train/validation split.
 *
 * <p>Contract:
 * <ul>
 *   <li>Each style with {@code n} tracks gets {@code round(n · fraction)} validation tracks, at least 1 and at most
 *       {@code n − 1} when {@code n ≥ 2}; a style with one track stays in train.</li>
 *   <li>With {@code groupByArtist}, all tracks of an artist (compared trimmed, case-insensitively) land on the same
 *       side. Then the per-style counts are met as closely as whole artists allow; a style with at least 2 tracks
 *       still gets a validation track unless that would leave one of the moved artist's styles without a training
 *       track — such cases are reported in {@link SplitPlan#warnings()}.</li>
 *   <li>Deterministic: the result depends only on the set of items, the fraction and the seed — items are sorted
 *       by key before the seeded shuffle, so the order they come in (file-system order) does not matter.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class StratifiedSplitter {

    /** A unit that moves as a whole: one track, or all tracks of one artist. */
    private record Unit(String id, List<SplitItem> items, Map<String, Integer> perStyle) {}

    public SplitPlan split(Collection<SplitItem> items, double fraction, long seed, boolean groupByArtist) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1): " + fraction);
        }
        Set<String> seen = new HashSet<>();
        for (SplitItem it : items) {
            if (!seen.add(it.key())) throw new IllegalArgumentException("duplicate key: " + it.key());
        }
        Map<String, Integer> total = new TreeMap<>();
        for (SplitItem it : items) total.merge(it.style(), 1, Integer::sum);
        Map<String, Integer> target = new TreeMap<>();
        total.forEach((style, n) -> target.put(style, n < 2 ? 0 : clamp(Math.round(n * fraction), 1, n - 1)));

        List<Unit> units = units(items, groupByArtist);
        shuffle(units, seed);

        Map<String, Integer> val = new TreeMap<>();
        Set<String> inValidation = new HashSet<>();
        // Pass 1: fill each style up to its target without overshooting any style the unit touches.
        for (Unit u : units) {
            boolean fits = u.perStyle().entrySet().stream()
                    .allMatch(e -> val.getOrDefault(e.getKey(), 0) + e.getValue() <= target.get(e.getKey()));
            if (fits) move(u, val, inValidation);
        }
        // Pass 2 (only bites with artist grouping): every style with >= 2 tracks needs a validation track.
        List<String> warnings = new ArrayList<>();
        for (var e : total.entrySet()) {
            String style = e.getKey();
            if (e.getValue() < 2 || val.getOrDefault(style, 0) > 0) continue;
            Unit pick = null;
            for (Unit u : units) {
                if (inValidation.contains(u.id()) || !u.perStyle().containsKey(style)) continue;
                boolean keepsTrain = u.perStyle().entrySet().stream().allMatch(s ->
                        total.get(s.getKey()) - val.getOrDefault(s.getKey(), 0) - s.getValue() >= 1
                                || total.get(s.getKey()) < 2);
                if (keepsTrain) { pick = u; break; }
            }
            if (pick != null) {
                move(pick, val, inValidation);
            } else {
                warnings.add("style '" + style + "': its " + e.getValue() + " tracks cannot be split without splitting"
                        + " an artist or emptying a style's training side; all stay in train");
            }
        }
        TreeSet<String> train = new TreeSet<>();
        TreeSet<String> validation = new TreeSet<>();
        for (Unit u : units) {
            for (SplitItem it : u.items()) (inValidation.contains(u.id()) ? validation : train).add(it.key());
        }
        return new SplitPlan(new ArrayList<>(train), new ArrayList<>(validation), warnings);
    }

    private static void move(Unit u, Map<String, Integer> val, Set<String> inValidation) {
        inValidation.add(u.id());
        u.perStyle().forEach((s, n) -> val.merge(s, n, Integer::sum));
    }

    /** Units sorted by id (so input order never matters). */
    private static List<Unit> units(Collection<SplitItem> items, boolean groupByArtist) {
        Map<String, List<SplitItem>> groups = new TreeMap<>();
        for (SplitItem it : items) {
            String artist = it.artist() == null ? "" : it.artist().trim().toLowerCase(Locale.ROOT);
            // The prefixes keep an artist called like a track key from merging with that track.
            String id = groupByArtist && !artist.isEmpty() ? "artist:" + artist : "track:" + it.key();
            groups.computeIfAbsent(id, k -> new ArrayList<>()).add(it);
        }
        List<Unit> units = new ArrayList<>();
        groups.forEach((id, list) -> {
            Map<String, Integer> perStyle = new LinkedHashMap<>();
            list.stream().map(SplitItem::style).sorted().forEach(s -> perStyle.merge(s, 1, Integer::sum));
            units.add(new Unit(id, List.copyOf(list), perStyle));
        });
        return units;
    }

    /**
     * Fisher–Yates with {@link Random}, whose sequence for a seed is fixed by its specification, so a split is
     * reproducible across JVMs and versions (written out rather than {@code Collections.shuffle} to keep that
     * guarantee in this file).
     */
    private static void shuffle(List<Unit> units, long seed) {
        Random rnd = new Random(seed);
        for (int i = units.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Unit tmp = units.get(i);
            units.set(i, units.get(j));
            units.set(j, tmp);
        }
    }

    private static int clamp(long v, int lo, int hi) { return (int) Math.max(lo, Math.min(hi, v)); }
}
