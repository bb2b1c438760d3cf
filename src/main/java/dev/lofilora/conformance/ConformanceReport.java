package dev.lofilora.conformance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a conformance run.
 *
 * @param golden      the folder given
 * @param suites      component ("" for the folder itself) → name of the suite that ran it
 * @param comparisons every compared tensor, in the order of the tolerance files
 * @param skipped     expected tensors not compared, with the reason
 * @param f64Twins    {@code *_f64} float64 twins in the golden: debugging aids, neither compared nor counted
 * @param unexpected  computed tensors the golden does not expect (saved with --save, not compared)
 * @param expected    K: the expected outputs (twins excluded)
 * @param requireAll  whether skips fail the run
 * @param saved       the files written by --save
 */
public record ConformanceReport(Path golden, Map<String, String> suites, List<TensorComparison> comparisons,
                                List<SkippedTensor> skipped, List<String> f64Twins, List<String> unexpected,
                                int expected, boolean requireAll, List<Path> saved) {
    /** Names listed per skip reason in {@link #summary()}. */
    public static final int LISTED_SKIPS = 5;

    /** M: the tensors compared. */
    public int compared() {
        return comparisons.size();
    }

    /** The comparisons outside tolerance. */
    public List<TensorComparison> failed() {
        return comparisons.stream().filter(c -> !c.passed()).toList();
    }

    /** Why the run fails (empty when it passes). */
    public List<String> failures() {
        List<String> out = new ArrayList<>();
        int failed = failed().size();
        if (failed > 0) out.add(failed + " tensor(s) outside tolerance");
        if (comparisons.isEmpty()) out.add("compared nothing");
        if (requireAll && !skipped.isEmpty()) out.add(skipped.size() + " tensor(s) skipped with --require-all");
        return out;
    }

    public boolean passed() {
        return failures().isEmpty();
    }

    /**
     * "compared M of K; skipped: none", or "compared M of K; skipped: a, b (reason); c (other reason)" — skips with the
     * same reason are listed together, at most {@value #LISTED_SKIPS} names per reason ("a, b, c, d and 58 more");
     * {@link #skipped()} has them all.
     */
    public String summary() {
        StringBuilder sb = new StringBuilder("compared ").append(compared()).append(" of ").append(expected)
                .append("; skipped: ");
        if (skipped.isEmpty()) return sb.append("none").toString();
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (SkippedTensor s : skipped) byReason.computeIfAbsent(s.reason(), r -> new ArrayList<>()).add(s.name());
        boolean first = true;
        for (Map.Entry<String, List<String>> e : byReason.entrySet()) {
            if (!first) sb.append("; ");
            first = false;
            List<String> names = e.getValue();
            if (names.size() <= LISTED_SKIPS) {
                sb.append(String.join(", ", names));
            } else {
                sb.append(String.join(", ", names.subList(0, LISTED_SKIPS - 1))).append(" and ")
                        .append(names.size() - LISTED_SKIPS + 1).append(" more");
            }
            sb.append(" (").append(e.getKey()).append(')');
        }
        return sb.toString();
    }
}
