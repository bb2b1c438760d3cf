package dev.lofilora.cli;

/** Exit codes of every command (docs/cli.md "Exit codes"). */
public final class ExitCodes {
    /** All good. */
    public static final int OK = 0;
    /** The command ran but some items failed; the report says which. */
    public static final int ITEMS_FAILED = 1;
    /** Usage or configuration error (bad option, unreadable config, invalid sources.json, ...). */
    public static final int USAGE = 2;
    /** An internal error (a bug or an environment failure). */
    public static final int INTERNAL = 3;
    /** Stopped by Ctrl-C (SIGINT: 128 + 2, set by the JVM); temporary files are removed, finished outputs kept. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
