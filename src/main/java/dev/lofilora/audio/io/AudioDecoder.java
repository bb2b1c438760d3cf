package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.common.LofiException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecDescriptor;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

/**
 * Decodes any audio file FFmpeg reads (mp3, flac, wav, ogg/vorbis, opus, m4a/aac, ...) into float samples at the
 * file's own sample rate, through the FFmpeg C API (JavaCPP presets): demux, decode packet by packet, and convert
 * each frame with libswresample to planar float, straight into one {@code float[]} per channel.
 *
 * <p>Channels: mono stays mono (1 channel), stereo stays stereo. A source with more than two channels is downmixed to
 * stereo by libswresample's matrix with the ITU-R BS.775 coefficients: {@code L' = L + 0.7071·C + 0.7071·Ls} and
 * {@code R' = R + 0.7071·C + 0.7071·Rs} (back channels like the surrounds, LFE dropped), then the whole matrix is
 * divided by its largest row sum ({@code rematrix_maxval = 1}) so the downmix cannot exceed full scale: for 5.1
 * that is a division by 2.414 (−7.66 dB). Loudness normalisation later makes the level irrelevant.
 *
 * <p>Errors: a file that is missing, empty, not a regular file, not audio, or undecodable raises a
 * {@link LofiException} that names the file and says what is wrong. A truncated file decodes as far as it goes and
 * comes back with a warning (see {@link DecodedAudio#warnings()}). Every native object is freed before returning,
 * also on failure. Thread-safe: calls share nothing; each call decodes with one codec thread.
 */
public final class AudioDecoder {
    private AudioDecoder() {}

    /** AVERROR(EAGAIN) on Linux and macOS (EAGAIN = 11 and 35; FFmpeg returns −EAGAIN). */
    private static final int EAGAIN_LINUX = -11;
    private static final int EAGAIN_MAC = -35;
    /** ITU-R BS.775 centre and surround downmix level, 1/√2. */
    static final double DOWNMIX_LEVEL = Math.sqrt(0.5);

    /** A file longer than the allowed maximum (raised as soon as that is known, before decoding it all). */
    public static final class TooLongException extends LofiException {
        private final double seconds;
        private final double maxSeconds;

        TooLongException(Path file, double seconds, double maxSeconds, boolean atLeast) {
            super(file, String.format("is %s%.1f s long, more than the maximum of %.1f s", atLeast ? "at least " : "",
                    seconds, maxSeconds), "split or trim it, or raise max_duration_seconds in the config");
            this.seconds = seconds;
            this.maxSeconds = maxSeconds;
        }

        public double seconds() { return seconds; }

        public double maxSeconds() { return maxSeconds; }
    }

    /** The FFmpeg build in use, e.g. "FFmpeg 8.0.1 (libavformat 62.3.100, libavcodec 62.11.100, libswresample 6.1.100)". */
    public static String ffmpegVersion() {
        Ffmpeg.init();
        return "FFmpeg " + av_version_info().getString() + " (libavformat " + version(avformat_version())
                + ", libavcodec " + version(avcodec_version()) + ", libswresample " + version(swresample_version()) + ")";
    }

    private static String version(int v) {
        return (v >>> 16) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }

    /** Decodes {@code file} at its own rate (1 or 2 channels, see the class comment). */
    public static AudioBuffer decode(Path file) throws IOException {
        return read(file, Double.POSITIVE_INFINITY).audio();
    }

    /**
     * Decodes {@code file} and reports its format.
     *
     * @param maxSeconds stop with {@link TooLongException} once the file is known to be longer than this
     */
    public static DecodedAudio read(Path file, double maxSeconds) throws IOException {
        checkReadable(file);
        Ffmpeg.init();
        Ffmpeg.clearLog();
        try (PointerScope scope = new PointerScope()) {
            return new Decoding(file, maxSeconds).run();
        }
    }

    /**
     * Throws a {@link LofiException} naming {@code file} unless it is a non-empty, readable regular file (links
     * followed). Run before anything reads the file: a FIFO would block the reader forever, and a directory, a
     * dangling link or an empty file would otherwise surface as FFmpeg's unhelpful "No such file"/"Invalid data".
     */
    public static void checkReadable(Path file) throws IOException {
        if (Files.isSymbolicLink(file) && !Files.exists(file)) {
            throw new LofiException(file, "is a symbolic link whose target does not exist",
                    "point the link at the audio file or replace it with the file");
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LofiException(file, "does not exist", "check the path (it is relative to the raw folder)");
        }
        if (a.isDirectory()) {
            throw new LofiException(file, "is a folder, not an audio file", "point the entry at a file inside it");
        }
        if (!a.isRegularFile()) {
            throw new LofiException(file, "is not a regular file (a FIFO, socket or device)",
                    "copy the audio into a regular file");
        }
        if (a.size() == 0) {
            throw new LofiException(file, "is empty (0 bytes)", "re-download or re-export the file");
        }
        if (!Files.isReadable(file)) {
            throw new LofiException(file, "cannot be read (permission denied)", "make it readable for this user");
        }
    }

    /** One decode: the native objects it owns and the growing sample arrays. */
    private static final class Decoding {
        private final Path file;
        private final double maxSeconds;
        private final List<String> warnings = new ArrayList<>();

        private AVFormatContext fmt;
        private AVCodecContext ctx;
        private AVPacket pkt;
        private AVFrame frame;
        private SwrContext swr;
        private int swrInFormat = -1, swrInChannels = -1, swrInRate = -1;
        private int outChannels;
        private int rate;
        private long maxFrames;

        private FloatPointer[] outBuf;
        private FloatPointer[] planes;
        private PointerPointer<FloatPointer> outPtrs;
        private int outCap;
        private SampleSink sink;
        private int damaged, packets;

        Decoding(Path file, double maxSeconds) {
            this.file = file;
            this.maxSeconds = maxSeconds;
        }

        DecodedAudio run() {
            fmt = new AVFormatContext(null);
            boolean opened = false;
            try {
                // "file:" keeps FFmpeg from reading a name like "a:b.mp3" as a protocol; UTF-8 keeps non-ASCII names intact.
                BytePointer url = new BytePointer("file:" + file.toAbsolutePath(), StandardCharsets.UTF_8);
                int r = avformat_open_input(fmt, url, null, null);
                if (r < 0) {
                    throw new LofiException(file, "is not an audio file FFmpeg can read: " + Ffmpeg.error(r),
                            "check that it is a complete audio file (mp3, flac, wav, ogg, opus, m4a, ...)");
                }
                opened = true;
                r = avformat_find_stream_info(fmt, (PointerPointer<?>) null);
                if (r < 0) {
                    throw new LofiException(file, "cannot be parsed: " + Ffmpeg.error(r), "re-download or re-export the file");
                }
                int si = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, (PointerPointer<?>) null, 0);
                String container = fmt.iformat().name().getString();
                if (si < 0) {
                    throw new LofiException(file, "contains no audio stream (FFmpeg reads it as '" + container + "')",
                            "check that the file really is audio");
                }
                AVStream st = fmt.streams(si);
                AVCodecParameters par = st.codecpar();
                AVCodec codec = avcodec_find_decoder(par.codec_id());
                if (codec == null || codec.isNull()) {
                    throw new LofiException(file, "uses the codec '" + avcodec_get_name(par.codec_id()).getString()
                            + "', which this FFmpeg build cannot decode", "convert it to FLAC or WAV");
                }
                ctx = avcodec_alloc_context3(codec);
                check(avcodec_parameters_to_context(ctx, par), "cannot set up the decoder");
                ctx.thread_count(1); // files are decoded in parallel, one per worker; codec threads would only contend
                check(avcodec_open2(ctx, codec, (PointerPointer<?>) null), "cannot open the " + codec.name().getString() + " decoder");

                rate = ctx.sample_rate() > 0 ? ctx.sample_rate() : par.sample_rate();
                if (rate <= 0) throw new LofiException(file, "declares no sample rate", "re-export the file");
                int srcChannels = par.ch_layout().nb_channels();
                if (srcChannels <= 0) throw new LofiException(file, "declares no channels", "re-export the file");
                outChannels = srcChannels == 1 ? 1 : 2;
                double declared = declaredSeconds(st);
                maxFrames = Double.isInfinite(maxSeconds) ? Long.MAX_VALUE : (long) Math.ceil(maxSeconds * rate);
                if (declared > maxSeconds + 1.0 && reliableDuration()) {
                    throw new TooLongException(file, declared, maxSeconds, false);
                }
                // Sized to the declared length exactly: most containers state it to the sample (MP3 with a Xing
                // header too), and a final trim would copy every sample once more; what does not fit goes to chunks.
                long expected = declared > 0 ? Math.round(declared * rate) : rate * 60L;
                long cap = Math.min(expected, Integer.MAX_VALUE - 16);
                if (maxFrames < Long.MAX_VALUE - 8192) cap = Math.min(cap, maxFrames + 8192);
                sink = new SampleSink(outChannels, (int) cap);

                pkt = av_packet_alloc();
                frame = av_frame_alloc();
                int readErr;
                while ((readErr = av_read_frame(fmt, pkt)) >= 0) {
                    try {
                        if (pkt.stream_index() == si) {
                            packets++;
                            int s = avcodec_send_packet(ctx, pkt);
                            if (s < 0 && !isEagain(s)) damaged++;
                            drainFrames();
                        }
                    } finally {
                        av_packet_unref(pkt);
                    }
                }
                if (readErr != AVERROR_EOF()) {
                    warnings.add("reading stopped early: " + Ffmpeg.error(readErr));
                }
                avcodec_send_packet(ctx, null); // flush the decoder's delayed frames
                drainFrames();
                flushResampler();

                int frames = sink.size();
                if (frames == 0) {
                    throw new LofiException(file, "holds no decodable audio"
                            + (damaged > 0 ? " (" + damaged + " of " + packets + " packets are damaged)" : "")
                            + (Ffmpeg.lastLog().isEmpty() ? "" : "; FFmpeg: " + Ffmpeg.lastLog()),
                            "re-download or re-export the file");
                }
                if (damaged * 2 > packets) {
                    throw new LofiException(file, "is corrupt: " + damaged + " of " + packets
                            + " packets could not be decoded", "re-download or re-export the file");
                }
                if (damaged > 0) warnings.add(damaged + " of " + packets + " packets were damaged and skipped");
                double decodedSeconds = frames / (double) rate;
                if (declared > 0 && reliableDuration() && decodedSeconds < declared - Math.max(0.5, 0.02 * declared)) {
                    warnings.add(String.format("decoded %.2f s of the %.2f s the file declares; it looks truncated",
                            decodedSeconds, declared));
                }
                AVCodecDescriptor desc = avcodec_descriptor_get(par.codec_id());
                int props = desc == null || desc.isNull() ? 0 : desc.props();
                boolean lossless = (props & AV_CODEC_PROP_LOSSLESS) != 0;
                boolean lossy = (props & AV_CODEC_PROP_LOSSY) != 0;
                int bits = lossy ? 0 : bitDepth(par, ctx.sample_fmt());
                BytePointer sfName = av_get_sample_fmt_name(ctx.sample_fmt());
                long bitRate = par.bit_rate() > 0 ? par.bit_rate() : Math.max(0, fmt.bit_rate());
                SourceFormat format = new SourceFormat(container, codec.name().getString(), lossless,
                        sfName == null || sfName.isNull() ? "?" : sfName.getString(), bits, rate, srcChannels,
                        Ffmpeg.describe(par.ch_layout()), bitRate, declared);
                return new DecodedAudio(new AudioBuffer(sink.take(), rate), format, damaged, warnings);
            } finally {
                if (swr != null) swr_free(swr);
                if (frame != null) av_frame_free(frame);
                if (pkt != null) av_packet_free(pkt);
                if (ctx != null) avcodec_free_context(ctx);
                if (opened) avformat_close_input(fmt);
            }
        }

        /** The duration the container states: from the stream, else the whole file, else −1. */
        private double declaredSeconds(AVStream st) {
            if (st.duration() != AV_NOPTS_VALUE && st.duration() > 0 && st.time_base().den() > 0) {
                return st.duration() * (double) st.time_base().num() / st.time_base().den();
            }
            if (fmt.duration() != AV_NOPTS_VALUE && fmt.duration() > 0) return fmt.duration() / (double) AV_TIME_BASE;
            return -1;
        }

        /** FFmpeg guesses MP3/ADTS durations from the file size and bit rate; such a guess proves nothing. */
        private boolean reliableDuration() {
            return fmt.duration_estimation_method() != AVFMT_DURATION_FROM_BITRATE;
        }

        private void drainFrames() {
            while (true) {
                int r = avcodec_receive_frame(ctx, frame);
                if (isEagain(r) || r == AVERROR_EOF()) return;
                if (r < 0) {
                    damaged++;
                    return;
                }
                try {
                    convert(frame);
                } finally {
                    av_frame_unref(frame);
                }
            }
        }

        private void convert(AVFrame f) {
            int n = f.nb_samples();
            if (n <= 0) return;
            if (f.sample_rate() != rate && f.sample_rate() > 0) {
                throw new LofiException(file, "changes its sample rate mid-stream (" + rate + " → " + f.sample_rate() + " Hz)",
                        "re-export it at one sample rate");
            }
            int ch = f.ch_layout().nb_channels();
            if (f.format() == AV_SAMPLE_FMT_FLTP && ch == outChannels && swr == null) {
                // Planar float mono or stereo (mp3, aac, vorbis, opus): nothing to convert, so the planes are copied
                // straight into the sample arrays (libswresample would only copy them once more).
                if (planes == null || planes.length != ch) planes = new FloatPointer[ch];
                for (int c = 0; c < ch; c++) planes[c] = new FloatPointer(f.extended_data(c));
                checkRoom(n);
                sink.append(planes, n);
                return;
            }
            if (swr == null || f.format() != swrInFormat || ch != swrInChannels || f.sample_rate() != swrInRate) {
                flushResampler();
                openResampler(f);
            }
            ensureOut(n + 64);
            int got = swr_convert(swr, outPtrs, outCap, f.extended_data(), n);
            if (got < 0) throw LofiException.internal(file, "sample conversion failed: " + Ffmpeg.error(got), "report this file", null);
            append(got);
        }

        /** libswresample here only converts the sample format and remixes channels; the rate stays the source rate. */
        private void openResampler(AVFrame f) {
            if (swr != null) {
                swr_free(swr);
                swr = null;
            }
            AVChannelLayout in = new AVChannelLayout();
            AVChannelLayout out = new AVChannelLayout();
            try {
                int ch = f.ch_layout().nb_channels();
                // A layout without channel positions (e.g. WAV without a channel mask) gets FFmpeg's default for the count.
                if (Ffmpeg.isNative(f.ch_layout())) av_channel_layout_copy(in, f.ch_layout());
                else Ffmpeg.defaultLayout(in, ch);
                Ffmpeg.defaultLayout(out, outChannels);
                SwrContext s = new SwrContext(null);
                int srcRate = f.sample_rate() > 0 ? f.sample_rate() : rate;
                check(swr_alloc_set_opts2(s, out, AV_SAMPLE_FMT_FLTP, srcRate, in, f.format(), srcRate, 0, null),
                        "cannot set up sample conversion");
                swr = s;
                if (ch > 2) {
                    av_opt_set_double(swr, "clev", DOWNMIX_LEVEL, 0);
                    av_opt_set_double(swr, "slev", DOWNMIX_LEVEL, 0);
                    av_opt_set_double(swr, "lfe_mix_level", 0.0, 0);
                    av_opt_set_double(swr, "rematrix_maxval", 1.0, 0); // scale the matrix so no sum exceeds full scale
                }
                check(swr_init(swr), "cannot set up sample conversion for " + Ffmpeg.describe(in));
                swrInFormat = f.format();
                swrInChannels = ch;
                swrInRate = f.sample_rate();
            } finally {
                av_channel_layout_uninit(in);
                av_channel_layout_uninit(out);
            }
        }

        private void flushResampler() {
            if (swr == null) return;
            while (true) {
                ensureOut(4096);
                int got = swr_convert(swr, outPtrs, outCap, (PointerPointer<?>) null, 0);
                if (got <= 0) return;
                append(got);
            }
        }

        private void ensureOut(int frames) {
            if (outBuf != null && outCap >= frames) return;
            outCap = Math.max(frames, 8192);
            outBuf = new FloatPointer[outChannels];
            outPtrs = new PointerPointer<>(outChannels);
            for (int c = 0; c < outChannels; c++) {
                outBuf[c] = new FloatPointer(outCap); // freed by the enclosing PointerScope
                outPtrs.put(c, outBuf[c]);
            }
        }

        private void append(int frames) {
            if (frames <= 0) return;
            checkRoom(frames);
            sink.append(outBuf, frames);
        }

        private void checkRoom(int frames) {
            if ((long) sink.size() + frames > maxFrames) {
                throw new TooLongException(file, (sink.size() + frames) / (double) rate, maxSeconds, true);
            }
        }

        private void check(int r, String what) {
            if (r < 0) throw new LofiException(file, what + ": " + Ffmpeg.error(r), "re-download or re-export the file");
        }
    }

    private static boolean isEagain(int r) {
        return r == EAGAIN_LINUX || r == EAGAIN_MAC;
    }

    /** Bits of the source PCM: what the codec stored (FLAC/ALAC/PCM), else the size of the decoded sample format. */
    private static int bitDepth(AVCodecParameters par, int sampleFormat) {
        if (par.bits_per_raw_sample() > 0) return par.bits_per_raw_sample();
        if (par.bits_per_coded_sample() > 0) return par.bits_per_coded_sample();
        return av_get_bytes_per_sample(sampleFormat) * 8;
    }

    /**
     * Planar float arrays filled straight from native buffers. The first arrays have the expected length; samples
     * past it go to chunks, so nothing is copied to grow. {@link #take} copies only when the expectation was wrong:
     * once into exact-length arrays.
     */
    private static final class SampleSink {
        private static final int CHUNK = 1 << 16;
        private final float[][] head;
        private final List<float[][]> chunks = new ArrayList<>();
        private int size;

        SampleSink(int channels, int capacity) {
            head = new float[channels][Math.max(capacity, 0)];
        }

        int size() { return size; }

        void append(FloatPointer[] src, int frames) {
            int done = 0;
            while (done < frames) {
                float[][] dst;
                int at;
                if (size < head[0].length) {
                    dst = head;
                    at = size;
                } else {
                    long beyond = (long) size - head[0].length;
                    if (beyond % CHUNK == 0) {
                        if ((long) size + CHUNK > Integer.MAX_VALUE - 16) throw new IllegalStateException("audio too long for one array");
                        chunks.add(new float[head.length][CHUNK]);
                    }
                    dst = chunks.get(chunks.size() - 1);
                    at = (int) (beyond % CHUNK);
                }
                int n = Math.min(frames - done, dst[0].length - at);
                for (int c = 0; c < head.length; c++) src[c].position(done).get(dst[c], at, n);
                done += n;
                size += n;
            }
            for (FloatPointer p : src) p.position(0);
        }

        float[][] take() {
            if (size == head[0].length && chunks.isEmpty()) return head;
            float[][] out = new float[head.length][size];
            for (int c = 0; c < head.length; c++) {
                int n = Math.min(size, head[0].length);
                System.arraycopy(head[c], 0, out[c], 0, n);
                for (float[][] chunk : chunks) {
                    int m = Math.min(CHUNK, size - n);
                    System.arraycopy(chunk[c], 0, out[c], n, m);
                    n += m;
                }
            }
            return out;
        }
    }
}
