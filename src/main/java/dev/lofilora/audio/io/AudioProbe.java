package dev.lofilora.audio.io;

import dev.lofilora.common.LofiException;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * What a file says about itself without being decoded: its declared duration and its tags (title, artist, …), from
 * the container header (FFmpeg's demuxer). Cheap: {@code sources init} reads titles with it, {@code process
 * --split-long} decides with it which files are long mixes. Thread-safe: calls share nothing.
 */
public final class AudioProbe {
    private AudioProbe() {}

    /**
     * @param seconds   the declared duration, or -1 when the container declares none
     * @param estimated true when FFmpeg guessed the duration from the size and bit rate (MP3 without a Xing header)
     * @param tags      the container's and the audio stream's tags, keys in lowercase ({@code title}, {@code artist})
     */
    public record Info(double seconds, boolean estimated, Map<String, String> tags) {
        public Info {
            tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        }

        /** A tag, stripped, or null when absent or blank. */
        public String tag(String key) {
            String v = tags.get(key.toLowerCase(Locale.ROOT));
            return v == null || v.isBlank() ? null : v.strip();
        }
    }

    /** Reads {@code file}'s header. Throws a {@link LofiException} naming the file when FFmpeg cannot open it. */
    public static Info probe(Path file) throws IOException {
        AudioDecoder.checkReadable(file);
        Ffmpeg.init();
        try (PointerScope scope = new PointerScope()) {
            AVFormatContext fmt = new AVFormatContext(null);
            BytePointer url = new BytePointer("file:" + file.toAbsolutePath(), StandardCharsets.UTF_8);
            int r = avformat_open_input(fmt, url, null, null);
            if (r < 0) {
                throw new LofiException(file, "is not an audio file FFmpeg can read: " + Ffmpeg.error(r),
                        "check that it is a complete audio file (mp3, flac, wav, ogg, opus, m4a, ...)");
            }
            try {
                r = avformat_find_stream_info(fmt, (PointerPointer<?>) null);
                if (r < 0) throw new LofiException(file, "cannot be parsed: " + Ffmpeg.error(r), "re-download or re-export the file");
                Map<String, String> tags = new LinkedHashMap<>();
                read(fmt.metadata(), tags);
                int si = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, (PointerPointer<?>) null, 0);
                double seconds = -1;
                if (si >= 0) {
                    AVStream st = fmt.streams(si);
                    read(st.metadata(), tags); // Ogg/Opus keep their comments on the stream
                    if (st.duration() != AV_NOPTS_VALUE && st.duration() > 0 && st.time_base().den() > 0) {
                        seconds = st.duration() * (double) st.time_base().num() / st.time_base().den();
                    }
                }
                if (seconds < 0 && fmt.duration() != AV_NOPTS_VALUE && fmt.duration() > 0) {
                    seconds = fmt.duration() / (double) AV_TIME_BASE;
                }
                boolean estimated = fmt.duration_estimation_method() == AVFMT_DURATION_FROM_BITRATE;
                return new Info(seconds, estimated, tags);
            } finally {
                avformat_close_input(fmt);
            }
        }
    }

    private static void read(AVDictionary dict, Map<String, String> into) {
        if (dict == null || dict.isNull()) return;
        AVDictionaryEntry e = null;
        while ((e = av_dict_iterate(dict, e)) != null && !e.isNull()) {
            String key = e.key().getString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            into.putIfAbsent(key, e.value().getString(StandardCharsets.UTF_8));
        }
    }
}
