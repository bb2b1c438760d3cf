package dev.lofilora.train.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The {@code lofi} arguments a launched rank runs: the launcher's own, less the launcher-only options. */
public final class RankArgs {
    /** Options the launcher consumes (the ranks get them through torchrun's environment variables instead). */
    static final Set<String> LAUNCHER_ONLY = Set.of("--nproc", "--nnodes", "--node-rank", "--master-addr",
            "--master-port", "--rank", "--world-size");

    private RankArgs() {}

    /**
     * {@code original} without the launcher-only options (both {@code --opt v} and {@code --opt=v}), with
     * {@code --no-progress} (N progress bars would interleave) and, unless given, {@code --threads cores/N} so the
     * ranks do not oversubscribe the CPU.
     */
    public static List<String> of(List<String> original, int nproc) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < original.size(); i++) {
            String a = original.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (LAUNCHER_ONLY.contains(name)) {
                if (!a.contains("=")) i++; // skip its value
                continue;
            }
            out.add(a);
        }
        if (!out.contains("--no-progress")) out.add("--no-progress");
        if (out.stream().noneMatch(a -> a.equals("--threads") || a.startsWith("--threads="))) {
            out.add("--threads");
            out.add(String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors() / nproc)));
        }
        return out;
    }
}
