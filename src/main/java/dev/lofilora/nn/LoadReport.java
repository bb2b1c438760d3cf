package dev.lofilora.nn;

import java.util.List;

/**
 * What a state-dict load found: keys the module has but the source lacks, keys the source has but the module
 * lacks, and keys whose shapes disagree ("name: module [a, b] vs file [c, d]").
 */
public record LoadReport(List<String> missing, List<String> unexpected, List<String> shapeMismatches, int loaded) {
    public boolean clean() { return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty(); }

    /** A multi-line description for errors and {@code lofi inspect-model}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("loaded ").append(loaded).append(" tensors");
        if (!missing.isEmpty()) sb.append("; missing ").append(missing.size()).append(": ").append(head(missing));
        if (!unexpected.isEmpty()) sb.append("; unexpected ").append(unexpected.size()).append(": ").append(head(unexpected));
        if (!shapeMismatches.isEmpty()) sb.append("; shape mismatches ").append(shapeMismatches.size()).append(": ").append(head(shapeMismatches));
        return sb.toString();
    }

    private static String head(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 8)) + ", … (" + (names.size() - 8) + " more)";
    }
}
