package dev.lofilora.cli;

import dev.lofilora.common.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Draws engine progress on stderr: a progress bar (me.tongfei:progressbar) when stderr is a terminal, and plain
 * lines otherwise ({@link Lines}), because the bar redraws itself with carriage returns that would fill a log file
 * or a CI console with half-lines.
 */
final class ConsoleProgress implements ProgressListener {
    private ProgressBar bar;

    static ProgressListener create(CommonOptions opts) {
        if (opts.noProgress) return ProgressListener.NONE;
        return stderrIsTerminal() ? new ConsoleProgress() : new Lines(System.err);
    }

    /**
     * Whether stderr is a terminal: on Linux, where file descriptor 2 points ({@code /dev/pts/N}, {@code /dev/ttyN});
     * elsewhere, whether the JVM has a console. {@code TERM=dumb} counts as no terminal.
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) return false;
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.exists(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (Exception e) {
                return false;
            }
        }
        return System.console() != null;
    }

    @Override
    public synchronized void start(String stage, long total) {
        finish();
        bar = new ProgressBarBuilder()
                .setTaskName(stage)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(200)
                .continuousUpdate()
                .build();
    }

    @Override
    public synchronized void advance(long units, String item) {
        if (bar == null) return;
        bar.stepBy(units);
        if (item != null) bar.setExtraMessage(shorten(item));
    }

    @Override
    public synchronized void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : "…" + s.substring(s.length() - 31);
    }

    /**
     * Progress as whole lines, for logs: one when a stage starts, one at each quarter done (at most one per
     * {@value #MIN_GAP_MILLIS} ms), and one when it ends, with its time.
     */
    static final class Lines implements ProgressListener {
        static final long MIN_GAP_MILLIS = 2000;
        private final PrintStream out;
        private String stage;
        private long total, done, started, lastPrinted;
        private int quarter;

        Lines(PrintStream out) { this.out = out; }

        @Override
        public synchronized void start(String stage, long total) {
            finish();
            this.stage = stage;
            this.total = total;
            done = 0;
            quarter = 0;
            started = lastPrinted = System.nanoTime();
            out.println(stage + ": " + total + (total == 1 ? " item" : " items"));
        }

        @Override
        public synchronized void advance(long units, String item) {
            if (stage == null) return;
            done += units;
            int q = total > 0 ? (int) (4 * done / total) : 0;
            long now = System.nanoTime();
            if (q > quarter && q < 4 && (now - lastPrinted) / 1_000_000 >= MIN_GAP_MILLIS) {
                quarter = q;
                lastPrinted = now;
                out.printf(Locale.ROOT, "%s: %d/%d (%d %%)%s%n", stage, done, total, 100 * done / total,
                        item == null ? "" : ", last " + shorten(item));
            }
        }

        @Override
        public synchronized void finish() {
            if (stage == null) return;
            out.printf(Locale.ROOT, "%s: done, %d/%d in %s%n", stage, done, total, CommandRun.duration(started));
            out.flush();
            stage = null;
        }
    }
}
