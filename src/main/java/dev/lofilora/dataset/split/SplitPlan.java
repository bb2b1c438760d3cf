package dev.lofilora.dataset.split;

import java.util.List;

/**
 * The result of a split: keys on each side (sorted), and warnings where a rule could not be met (for example a
 * style whose tracks are all by one artist when artists are kept on one side).
 */
public record SplitPlan(List<String> train, List<String> validation, List<String> warnings) {
    public SplitPlan {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        warnings = List.copyOf(warnings);
    }
}
