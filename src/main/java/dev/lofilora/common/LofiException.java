package dev.lofilora.common;

import java.nio.file.Path;

/**
 * A problem the user can fix: bad input, a bad configuration, a missing file. The message names the file,
 * says what is wrong and what to do. The CLI maps it to exit code 2 (usage or configuration error) and prints
 * the message without a stack trace. A failure that is not the user's to fix (a native library that refuses an
 * operation it should accept, a broken invariant) is made with {@link #internal}: the CLI maps it to exit code 3
 * and prints the stack trace with the message.
 */
public class LofiException extends RuntimeException {
    private final Path file;
    private final String problem;
    private final String fix;
    private boolean internal;

    public LofiException(Path file, String problem, String fix) {
        this(file, problem, fix, null);
    }

    public LofiException(Path file, String problem, String fix, Throwable cause) {
        super(format(file, problem, fix), cause);
        this.file = file;
        this.problem = problem;
        this.fix = fix;
    }

    /** A problem not tied to one file (for example an invalid option value). */
    public LofiException(String problem, String fix) {
        this(null, problem, fix, null);
    }

    /**
     * An internal failure (exit code 3): something that should not happen whatever the input, e.g. a library
     * call that fails on valid arguments. {@code fix} says what the user can still do (report it, retry).
     */
    public static LofiException internal(Path file, String problem, String fix, Throwable cause) {
        LofiException e = new LofiException(file, problem, fix, cause);
        e.internal = true;
        return e;
    }

    /** Whether this is an internal failure (exit code 3) rather than a problem with the input (exit code 2). */
    public boolean internal() { return internal; }

    public Path file() { return file; }

    public String problem() { return problem; }

    public String fix() { return fix; }

    private static String format(Path file, String problem, String fix) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file).append(": ");
        sb.append(problem);
        if (fix != null && !fix.isBlank()) sb.append(" (").append(fix).append(')');
        return sb.toString();
    }
}
