package dev.lofilora.cli;

import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.*;

/** What the launcher gives every command: exit codes by kind of failure, -V, and a time summary at the end. */
class MainTest {
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @CommandLine.Option(names = "--internal") boolean internal;

        @Override
        public Integer call() {
            if (internal) {
                throw LofiException.internal(Path.of("x.wav"), "the resampler refused valid input",
                        "report this with the file", new IllegalStateException("swr_convert -22"));
            }
            throw new LofiException(Path.of("x.wav"), "does not exist", "check the path");
        }
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand("boom", new Boom());
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aUserProblemExitsTwoWithoutATraceAndAnInternalFailureExitsThreeWithOne() {
        Run user = run("boom");
        assertEquals(ExitCodes.USAGE, user.exit());
        assertTrue(user.err().contains("error: x.wav: does not exist (check the path)"), user.err());
        assertFalse(user.err().contains("\tat "), "no stack trace for a user problem");

        Run internal = run("boom", "--internal");
        assertEquals(ExitCodes.INTERNAL, internal.exit(), internal.err());
        assertTrue(internal.err().contains("internal error: x.wav: the resampler refused valid input"), internal.err());
        assertTrue(internal.err().contains("IllegalStateException: swr_convert -22"), "the cause's trace is printed");
    }

    @Test
    void everyCommandEndsWithATimeSummaryOnStderr() {
        Run r = run("boom");
        assertTrue(r.err().matches("(?s).*lofi boom: stopped in \\d+\\.\\d s \\(exit code 2\\)\\s*"), r.err());
        Run check = run("sources", "check", "/nonexistent/sources.json");
        assertEquals(2, check.exit());
        assertTrue(check.err().contains("lofi sources check: stopped in"), check.err());
        Run help = run("process", "--help");
        assertFalse(help.err().contains("finished in") || help.err().contains("stopped in"), "no summary for --help");
    }

    @Test
    void dashVPrintsTheVersionOnEverySubcommand() {
        for (String sub : new String[] {"process", "prompts", "dataset", "demo", "sources", "sources init",
                "sources check", "conformance", "inspect-model"}) {
            List<String> args = new java.util.ArrayList<>(List.of(sub.split(" ")));
            args.add("-V");
            Run r = run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), sub);
            assertEquals(Main.VERSION, r.out().strip(), sub);
        }
    }

    @Test
    void interruptedIsDocumentedInTheHelp() {
        Run r = run("--help");
        assertTrue(r.out().contains("130 interrupted"), r.out());
        assertEquals(130, ExitCodes.INTERRUPTED);
    }
}
