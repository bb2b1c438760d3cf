package dev.lofilora.audio.io;

import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;

import java.util.ArrayDeque;
import java.util.Deque;

import static org.bytedeco.ffmpeg.global.avutil.AV_CHANNEL_ORDER_NATIVE;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_describe;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

/**
 * Small helpers shared by the FFmpeg-based classes of this package: error texts, and FFmpeg's log.
 *
 * <p>FFmpeg logs through one process-wide callback. Installing ours (once, on first use of this package) keeps
 * FFmpeg's messages off the terminal, where they would tear through the progress bar, and keeps the last few error
 * lines of the calling thread so that a failure message can quote what FFmpeg said. Decoding and encoding run with
 * one codec thread, so FFmpeg logs from the thread that called it and a thread-local buffer is the right scope.
 */
final class Ffmpeg {
    private Ffmpeg() {}

    private static final int KEEP_LINES = 4;
    private static final java.util.regex.Pattern CONTEXT = java.util.regex.Pattern.compile("\\[[^\\]]* @ 0x[0-9a-fA-F]+\\] ");
    private static final ThreadLocal<Deque<String>> LAST_ERRORS = ThreadLocal.withInitial(ArrayDeque::new);

    /** Held in a static field so the native callback is never garbage-collected while FFmpeg may call it. */
    private static final LogCallback LOG = new LogCallback() {
        @Override
        public void call(int level, BytePointer msg) {
            if (level > AV_LOG_ERROR) return;
            // drop the "[mp3 @ 0x7f33...] " context prefix: a memory address means nothing to a user
            String line = CONTEXT.matcher(msg.getString()).replaceAll("").strip();
            if (line.isEmpty()) return;
            Deque<String> q = LAST_ERRORS.get();
            if (q.size() == KEEP_LINES) q.removeFirst();
            q.addLast(line);
        }
    };

    static {
        setLogCallback(LOG);
    }

    /** Makes sure the log callback is installed; call before the first FFmpeg call of a public entry point. */
    static void init() {
        // the static initialiser above does the work
    }

    /** Forgets the thread's earlier FFmpeg error lines (call when a new file starts). */
    static void clearLog() {
        LAST_ERRORS.get().clear();
    }

    /** FFmpeg's last error lines on this thread, joined, or "" when it said nothing. */
    static String lastLog() {
        return String.join(" / ", LAST_ERRORS.get());
    }

    /** The text of an FFmpeg error code (av_strerror), plus FFmpeg's last log lines when there are any. */
    static String error(int code) {
        byte[] buf = new byte[256];
        av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        String text = new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        String log = lastLog();
        return log.isEmpty() ? text : text + " (FFmpeg: " + log + ")";
    }

    /** A readable name of a channel layout, e.g. "stereo", "5.1(side)". */
    static String describe(AVChannelLayout layout) {
        byte[] buf = new byte[128];
        int r = av_channel_layout_describe(layout, buf, buf.length);
        if (r < 0) return layout.nb_channels() + " channels";
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Fills {@code layout} with FFmpeg's default layout for {@code channels} channels. */
    static void defaultLayout(AVChannelLayout layout, int channels) {
        av_channel_layout_default(layout, channels);
    }

    static boolean isNative(AVChannelLayout layout) {
        return layout.order() == AV_CHANNEL_ORDER_NATIVE;
    }
}
