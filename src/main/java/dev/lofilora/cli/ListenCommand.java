package dev.lofilora.cli;

import dev.lofilora.listen.ListenConfig;
import dev.lofilora.listen.ListenJson;
import dev.lofilora.listen.ListenResult;
import dev.lofilora.listen.ListenServer;
import dev.lofilora.listen.ListenSummary;
import dev.lofilora.listen.PairStats;
import dev.lofilora.listen.SummaryResult;
import dev.lofilora.common.LofiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lofi listen}: the blind A/B listening page ({@link ListenServer}) and its summary ({@link ListenSummary}). */
@Command(name = "listen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Blind A/B listening test: pairs the clips of two folders by name, serves a page on 127.0.0.1 that plays each pair loudness-matched under the neutral labels A and B (sides randomised by the seed) and appends every answer to the scores file. With --summary: win rates with 95 %% Wilson intervals, sign tests, Bradley-Terry strengths (more than two systems), inter-rater agreement, and a bar chart beside the scores file.",
                "",
                "Exit codes: 0 session complete / summary written; 2 bad input (no common clip, a clip that is not audio, a corrupt scores file, a port in use); 3 internal error. Ctrl-C stops the server; every answer given is saved and --session resumes."
        })
public final class ListenCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Option(names = "--a", paramLabel = "<dir>", description = "Folder of the first system's clips.")
    Path a;

    @Option(names = "--b", paramLabel = "<dir>", description = "Folder of the second system's clips (paired with --a by file name without extension).")
    Path b;

    @Option(names = "--a-name", paramLabel = "<id>", description = "Id of the first system in the scores (default: the folder's name, or as much of its path as tells it from --b).")
    String aName;

    @Option(names = "--b-name", paramLabel = "<id>", description = "Id of the second system (default: from its folder, as --a-name).")
    String bName;

    @Option(names = "--pairs", defaultValue = "0", description = "Trials in a new session: this many clip pairs chosen by the seed; 0 = all common clips (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--seed", description = "Seed of the pair choice, trial order and left/right sides (default: a random seed, recorded in the scores).")
    Long seed;

    @Option(names = "--port", defaultValue = "0", description = "Port on 127.0.0.1; 0 = a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--rater", defaultValue = "${sys:user.name}", description = "Who rates, recorded with every answer (default: your user name, ${DEFAULT-VALUE}).")
    String rater;

    @Option(names = "--scores", paramLabel = "<file>", defaultValue = "data/metadata/quality_scores.json",
            description = "The scores file; answers are appended (default: ${DEFAULT-VALUE}).")
    Path scores;

    @Option(names = "--session", paramLabel = "<id>", description = "Resume the session of this id (or start a new one under it).")
    String session;

    @Option(names = "--resume", description = "Resume your latest unfinished session on these two systems.")
    boolean resume;

    @Option(names = "--summary", description = "Sum up the scores file instead of rating: win rates, intervals, sign tests, Bradley-Terry, agreement, chart.")
    boolean summary;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (summary) return summary(out);
        if (a == null || b == null) throw new LofiException("--a and --b are needed to rate (or --summary to sum up)", "see lofi listen --help");
        ListenConfig config = new ListenConfig(a, b, aName, bName, pairs, seed, port, rater, scores, session, resume,
                ListenConfig.DEFAULT_TARGET_LUFS);
        ListenServer server = ListenServer.start(config, ConsoleProgress.create(common));
        PrintWriter err = spec.commandLine().getErr();
        ListenResult started = server.result();
        Thread stopper = new Thread(() -> {
            server.close();
            ListenResult r = server.result();
            err.printf("%nlofi listen: stopped with %d of %d trials answered, all saved in %s; resume with --session %s%n",
                    r.answered(), r.trials(), r.scores(), r.session());
            err.flush();
        }, "lofi-listen-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        err.printf("lofi listen: open %s in a browser (session %s%s, %d trials, %d answered, rater %s; Ctrl-C stops)%n",
                server.url(), started.session(), started.resumed() ? " resumed" : "", started.trials(), started.answered(),
                started.rater());
        err.flush();
        try {
            server.awaitCompletion();
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping: the hook reports
            }
        }
        ListenResult r = server.result();
        if (common.json) out.println(ListenJson.of(r));
        else out.printf("session %s complete: %d trials rated by %s (%s vs %s), saved in %s%n", r.session(), r.trials(),
                r.rater(), r.systemA(), r.systemB(), r.scores());
        out.flush();
        return ExitCodes.OK;
    }

    private int summary(PrintWriter out) throws Exception {
        SummaryResult r = ListenSummary.run(scores);
        if (common.json) {
            out.println(ListenJson.of(r));
            out.flush();
            return ExitCodes.OK;
        }
        out.printf("%s: %d sessions (%d complete), %d raters, %d systems, %d trials (%d decisive)%n", r.scores(),
                r.sessions(), r.completeSessions(), r.raters().size(), r.systems().size(), r.trials(), r.decisive());
        out.printf("%-44s %5s %8s %5s %5s %9s %17s %8s%n", "system vs other", "n", "won-lost", "same", "none",
                "win rate", "95 % interval", "sign p");
        for (PairStats p : r.pairs()) {
            out.printf("%-44s %5d %8s %5d %5d %9s %17s %8.4f%n", p.system() + " vs " + p.other(), p.trials(),
                    p.wins() + "-" + p.losses(), p.same(), p.noPreference(), pct(p.winRate()),
                    p.ciLow() == null ? "–" : "[" + pct(p.ciLow()) + ", " + pct(p.ciHigh()) + "]", p.signTestP());
        }
        if (r.bradleyTerry() != null) {
            if (r.bradleyTerry().systems().isEmpty()) out.println("Bradley-Terry: " + r.bradleyTerry().note());
            else {
                out.println("Bradley-Terry strengths (sum 1, MM fit in " + r.bradleyTerry().sweeps() + " sweeps):");
                r.bradleyTerry().systems().forEach(s -> out.printf("  %-40s %.4f  (log %+.3f, %d won, %d lost)%n",
                        s.system(), s.strength(), s.logStrength(), s.wins(), s.losses()));
            }
        }
        var g = r.agreement();
        out.printf("agreement: %s = %s over %d items rated by 2+ raters (%d raters, %d values; pairwise agreement %s)%n",
                g.statistic(), g.alpha() == null ? "undefined" : String.format("%.3f", g.alpha()), g.items(), g.raters(),
                g.values(), pct(g.percentAgreement()));
        out.println("chart: " + r.chart());
        out.flush();
        return ExitCodes.OK;
    }

    private static String pct(Double v) {
        return v == null ? "–" : String.format("%.1f %%", 100 * v);
    }
}
