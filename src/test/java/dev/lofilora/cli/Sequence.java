package dev.lofilora.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test helper run in a child JVM ({@code dev.lofilora.ChildJvm}): several {@code lofi} commands, separated by
 * {@code ---}, one after the other in one JVM (a JVM start costs seconds); stops at the first non-zero exit code.
 */
public final class Sequence {
    private Sequence() {}

    public static void main(String[] args) {
        List<String> cmd = new ArrayList<>();
        for (String a : args) {
            if (a.equals("---")) {
                int code = Main.execute(cmd.toArray(String[]::new));
                if (code != 0) System.exit(code);
                cmd.clear();
            } else {
                cmd.add(a);
            }
        }
        System.exit(cmd.isEmpty() ? 0 : Main.execute(cmd.toArray(String[]::new)));
    }

    /** {@code a --- b --- c} from three argument lists. */
    public static String[] of(List<String>... commands) {
        List<String> all = new ArrayList<>();
        for (List<String> c : commands) {
            if (!all.isEmpty()) all.add("---");
            all.addAll(c);
        }
        return all.toArray(String[]::new);
    }

    static String[] join(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }
}
