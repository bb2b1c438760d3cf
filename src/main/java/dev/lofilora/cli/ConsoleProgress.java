package dev.lofilora.cli;

import dev.lofilora.common.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Draws engine progress as a terminal progress bar on stderr (me.tongfei:progressbar). */
final class ConsoleProgress implements ProgressListener {
    private ProgressBar bar;

    static ProgressListener create(CommonOptions opts) {
        return opts.noProgress ? ProgressListener.NONE : new ConsoleProgress();
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
}
