package dev.lofilora.dataset.layout;

import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of an input before anything is written, so a user sees the whole list at once instead of
 * fixing one error per run. {@link #throwIfAny} turns them into one {@link LofiException}.
 */
public final class Problems {
    private final List<String> items = new ArrayList<>();

    public void add(Path file, String problem) {
        items.add(file == null ? problem : file + ": " + problem);
    }

    public boolean isEmpty() { return items.isEmpty(); }

    public List<String> items() { return List.copyOf(items); }

    /** Throws one LofiException listing every problem (at most 50 shown), when there is any. */
    public void throwIfAny(String what, String fix) {
        if (items.isEmpty()) return;
        StringBuilder sb = new StringBuilder(what).append(" (").append(items.size())
                .append(items.size() == 1 ? " problem):" : " problems):");
        items.stream().limit(50).forEach(p -> sb.append("\n  - ").append(p));
        if (items.size() > 50) sb.append("\n  - … and ").append(items.size() - 50).append(" more");
        throw new LofiException(sb.toString(), fix);
    }
}
