package dev.lofilora.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * What every subcommand gets from the launcher without writing it itself: {@code -V/--version} (picocli prints
 * nothing for a subcommand without its own version), and a time summary on stderr when it ends
 * ({@code lofi process: finished in 12.4 s (exit code 0)}), also after an error. Help and version requests print
 * no summary.
 */
final class CommandRun {
    private CommandRun() {}

    static void decorate(CommandLine cli, String version) {
        setVersion(cli, version);
        CommandLine.IExecutionExceptionHandler errors = cli.getExecutionExceptionHandler();
        long[] started = {System.nanoTime()};
        cli.setExecutionStrategy(parseResult -> {
            started[0] = System.nanoTime();
            int code = new CommandLine.RunLast().execute(parseResult);
            summary(parseResult, started[0], code);
            return code;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            int code = errors.handleExecutionException(ex, cmd, parseResult);
            summary(parseResult, started[0], code);
            return code;
        });
    }

    private static void setVersion(CommandLine cmd, String version) {
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) sub.getCommandSpec().version(version);
            setVersion(sub, version);
        }
    }

    private static void summary(ParseResult top, long started, int code) {
        ParseResult last = top;
        while (last.hasSubcommand()) last = last.subcommand();
        if (last == top || last.isUsageHelpRequested() || last.isVersionHelpRequested()) return;
        if (last.commandSpec().userObject() instanceof CommandLine.HelpCommand) return;
        CommandLine cmd = last.commandSpec().commandLine();
        PrintWriter err = cmd.getErr();
        err.println(String.format(Locale.ROOT, "lofi %s: %s in %s (exit code %d)", qualifiedName(last),
                code == ExitCodes.OK || code == ExitCodes.ITEMS_FAILED ? "finished" : "stopped", duration(started), code));
        err.flush();
    }

    private static String qualifiedName(ParseResult r) {
        String q = r.commandSpec().qualifiedName(" ");
        return q.startsWith("lofi ") ? q.substring(5) : q;
    }

    /** "0.4 s", "12.4 s", "3 min 05 s", "1 h 02 min". */
    static String duration(long startedNanos) {
        return seconds((System.nanoTime() - startedNanos) / 1e9);
    }

    static String seconds(double s) {
        if (s < 60) return String.format(Locale.ROOT, "%.1f s", s);
        long t = Math.round(s);
        if (t < 3600) return String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60);
        return String.format(Locale.ROOT, "%d h %02d min", t / 3600, (t % 3600) / 60);
    }
}
