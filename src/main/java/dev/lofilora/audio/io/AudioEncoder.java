package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.common.AtomicFiles;
import dev.lofilora.common.LofiException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.ShortPointer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * Encodes float audio into a file through FFmpeg's encoders and muxers, atomically (temporary file + rename).
 * {@code process} uses it for its FLAC output; tests and benchmarks use it to make fixtures in every format the
 * decoder must read. Encoders available in the bytedeco FFmpeg 8.0.1 build: libmp3lame, FFmpeg's native vorbis
 * (experimental) and aac, libopus, flac, PCM; not libvorbis, libfdk_aac or libsoxr.
 * Thread-safe: calls share nothing.
 */
public final class AudioEncoder {
    private AudioEncoder() {}

    /** A codec + container pair, with the sample format it is fed and its default bit rate. */
    public enum Format {
        /** FLAC, 24-bit (FFmpeg takes 24-bit samples left-justified in 32-bit words). */
        FLAC_24("flac", "flac", AV_SAMPLE_FMT_S32, 24, 0, false),
        FLAC_16("flac", "flac", AV_SAMPLE_FMT_S16, 16, 0, false),
        MP3("libmp3lame", "mp3", AV_SAMPLE_FMT_FLTP, 0, 192_000, false),
        /** FFmpeg's own Vorbis encoder (this build has no libvorbis); flagged experimental by FFmpeg. */
        OGG_VORBIS("vorbis", "ogg", AV_SAMPLE_FMT_FLTP, 0, 160_000, true),
        /** Opus in Ogg; libopus accepts 48/24/16/12/8 kHz only. */
        OPUS("libopus", "opus", AV_SAMPLE_FMT_FLT, 0, 128_000, false),
        /** AAC-LC in an .m4a (MPEG-4 audio) file. */
        M4A_AAC("aac", "ipod", AV_SAMPLE_FMT_FLTP, 0, 192_000, false),
        WAV_16("pcm_s16le", "wav", AV_SAMPLE_FMT_S16, 16, 0, false),
        WAV_24("pcm_s24le", "wav", AV_SAMPLE_FMT_S32, 24, 0, false),
        WAV_F32("pcm_f32le", "wav", AV_SAMPLE_FMT_FLT, 32, 0, false);

        final String encoder;
        final String muxer;
        final int sampleFormat;
        final int bits;
        final long bitRate;
        final boolean experimental;

        Format(String encoder, String muxer, int sampleFormat, int bits, long bitRate, boolean experimental) {
            this.encoder = encoder;
            this.muxer = muxer;
            this.sampleFormat = sampleFormat;
            this.bits = bits;
            this.bitRate = bitRate;
            this.experimental = experimental;
        }

        /** Whether this FFmpeg build has the encoder. */
        public boolean available() {
            Ffmpeg.init();
            AVCodec c = avcodec_find_encoder_by_name(encoder);
            return c != null && !c.isNull();
        }
    }

    /** Encodes {@code audio} as {@code format} into {@code target}, atomically. */
    public static void write(Path target, AudioBuffer audio, Format format) throws IOException {
        write(target, audio, format, format.bitRate, java.util.Map.of());
    }

    /**
     * Encodes {@code audio} as {@code format} at {@code bitRate} bit/s (lossy formats; ignored by lossless ones) with
     * container tags such as {@code title} and {@code artist}, atomically. The temporary file is made by
     * {@link AtomicFiles#newTempFile} (default permissions, removed on Ctrl-C).
     */
    public static void write(Path target, AudioBuffer audio, Format format, long bitRate,
                             java.util.Map<String, String> tags) throws IOException {
        Ffmpeg.init();
        Ffmpeg.clearLog();
        Path abs = target.toAbsolutePath();
        Path tmp = AtomicFiles.newTempFile(abs);
        boolean done = false;
        try (PointerScope scope = new PointerScope()) {
            encode(tmp, audio, format, bitRate, tags);
            AtomicFiles.moveIntoPlace(tmp, abs);
            done = true;
        } finally {
            if (!done) AtomicFiles.discard(tmp);
        }
    }

    private static void encode(Path out, AudioBuffer audio, Format f, long bitRate, java.util.Map<String, String> tags) {
        AVFormatContext oc = new AVFormatContext(null);
        AVCodecContext c = null;
        AVFrame frame = null;
        AVPacket pkt = null;
        AVIOContext pb = null;
        boolean ocAllocated = false;
        try {
            check(out, avformat_alloc_output_context2(oc, null, f.muxer, null), "cannot create a " + f.muxer + " muxer");
            ocAllocated = true;
            AVCodec enc = avcodec_find_encoder_by_name(f.encoder);
            if (enc == null || enc.isNull()) {
                throw new LofiException(out, "cannot be written: this FFmpeg build has no " + f.encoder + " encoder",
                        "choose another output format");
            }
            AVStream st = avformat_new_stream(oc, null);
            c = avcodec_alloc_context3(enc);
            int ch = audio.channels();
            c.sample_rate(audio.sampleRate());
            c.sample_fmt(f.sampleFormat);
            av_channel_layout_default(c.ch_layout(), ch);
            c.time_base(av_make_q(1, audio.sampleRate()));
            if (f.bitRate > 0 && bitRate > 0) c.bit_rate(bitRate);
            if (f.bits == 24) c.bits_per_raw_sample(24);
            if (f.experimental) c.strict_std_compliance(FF_COMPLIANCE_EXPERIMENTAL);
            if (f == Format.OGG_VORBIS) {
                // FFmpeg's Vorbis encoder ignores bit_rate and encodes at a low default quality; ask for its best
                c.flags(c.flags() | AV_CODEC_FLAG_QSCALE);
                c.global_quality(10 * FF_QP2LAMBDA);
            }
            c.thread_count(1);
            if ((oc.oformat().flags() & AVFMT_GLOBALHEADER) != 0) c.flags(c.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            check(out, avcodec_open2(c, enc, (PointerPointer<?>) null),
                    "cannot open the " + f.encoder + " encoder at " + audio.sampleRate() + " Hz, " + ch + " channels");
            check(out, avcodec_parameters_from_context(st.codecpar(), c), "cannot set the stream parameters");
            st.time_base(c.time_base());

            pb = new AVIOContext(null);
            check(out, avio_open(pb, new BytePointer("file:" + out, StandardCharsets.UTF_8), AVIO_FLAG_WRITE), "cannot open for writing");
            oc.pb(pb);
            if (!tags.isEmpty()) {
                org.bytedeco.ffmpeg.avutil.AVDictionary md = new org.bytedeco.ffmpeg.avutil.AVDictionary(null);
                for (var t : tags.entrySet()) {
                    av_dict_set(md, new BytePointer(t.getKey(), StandardCharsets.UTF_8),
                            new BytePointer(t.getValue(), StandardCharsets.UTF_8), 0);
                }
                oc.metadata(md); // freed with the context
            }
            check(out, avformat_write_header(oc, (PointerPointer<?>) null), "cannot write the header");

            int frameSize = c.frame_size() > 0 ? c.frame_size() : 4096;
            boolean shortLast = (enc.capabilities() & (AV_CODEC_CAP_SMALL_LAST_FRAME | AV_CODEC_CAP_VARIABLE_FRAME_SIZE)) != 0
                    || c.frame_size() == 0;
            frame = av_frame_alloc();
            frame.nb_samples(frameSize);
            frame.format(f.sampleFormat);
            frame.sample_rate(audio.sampleRate());
            av_channel_layout_copy(frame.ch_layout(), c.ch_layout());
            check(out, av_frame_get_buffer(frame, 0), "cannot allocate a frame");
            pkt = av_packet_alloc();

            int total = audio.frames();
            for (int pos = 0; pos < total; pos += frameSize) {
                int n = Math.min(frameSize, total - pos);
                check(out, av_frame_make_writable(frame), "cannot reuse the frame");
                int fill = shortLast ? n : frameSize; // zero-pad the last frame for encoders that need full frames
                frame.nb_samples(fill);
                fillFrame(frame, audio, pos, n, fill, f);
                frame.pts(pos);
                check(out, avcodec_send_frame(c, frame), "encoding failed");
                writePackets(out, oc, c, st, pkt);
            }
            check(out, avcodec_send_frame(c, null), "encoding failed at the end");
            writePackets(out, oc, c, st, pkt);
            check(out, av_write_trailer(oc), "cannot finish the file");
        } finally {
            if (pkt != null) av_packet_free(pkt);
            if (frame != null) av_frame_free(frame);
            if (c != null) avcodec_free_context(c);
            if (pb != null && !pb.isNull()) {
                avio_closep(pb);
                if (ocAllocated) oc.pb(null);
            }
            if (ocAllocated) avformat_free_context(oc);
        }
    }

    private static void writePackets(Path out, AVFormatContext oc, AVCodecContext c, AVStream st, AVPacket pkt) {
        while (true) {
            int r = avcodec_receive_packet(c, pkt);
            if (r == AVERROR_EOF() || r == -11 || r == -35) return; // EOF or EAGAIN
            check(out, r, "encoding failed");
            pkt.stream_index(st.index());
            av_packet_rescale_ts(pkt, c.time_base(), st.time_base());
            check(out, av_interleaved_write_frame(oc, pkt), "cannot write a packet");
        }
    }

    /** Copies frames [pos, pos+n) into the frame in the encoder's sample format; frames n..fill are zeros. */
    private static void fillFrame(AVFrame frame, AudioBuffer audio, int pos, int n, int fill, Format f) {
        float[][] s = audio.samples();
        int ch = s.length;
        switch (f.sampleFormat) {
            case AV_SAMPLE_FMT_FLTP -> {
                float[] zeros = new float[fill - n];
                for (int c = 0; c < ch; c++) {
                    FloatPointer p = new FloatPointer(frame.data(c)).capacity(fill);
                    p.put(s[c], pos, n);
                    if (fill > n) p.position(n).put(zeros).position(0);
                }
            }
            case AV_SAMPLE_FMT_FLT -> {
                float[] buf = new float[fill * ch];
                for (int i = 0; i < n; i++) for (int c = 0; c < ch; c++) buf[i * ch + c] = s[c][pos + i];
                new FloatPointer(frame.data(0)).capacity(buf.length).put(buf);
            }
            case AV_SAMPLE_FMT_S16 -> {
                short[] buf = new short[fill * ch];
                for (int i = 0; i < n; i++) for (int c = 0; c < ch; c++) buf[i * ch + c] = (short) quantise(s[c][pos + i], 16);
                new ShortPointer(frame.data(0)).capacity(buf.length).put(buf);
            }
            case AV_SAMPLE_FMT_S32 -> {
                int[] buf = new int[fill * ch];
                int bits = f.bits == 24 ? 24 : 32;
                int shift = 32 - bits; // FFmpeg reads 24-bit samples from the top of 32-bit words
                for (int i = 0; i < n; i++) for (int c = 0; c < ch; c++) buf[i * ch + c] = quantise(s[c][pos + i], bits) << shift;
                new IntPointer(frame.data(0)).capacity(buf.length).put(buf);
            }
            default -> throw new IllegalStateException("sample format " + f.sampleFormat);
        }
    }

    /** Rounds v·2^(bits−1) to the nearest integer, clipped to the signed range (no dither: 24-bit output is far below audibility). */
    static int quantise(float v, int bits) {
        double scale = bits == 32 ? 2147483648.0 : (double) (1L << (bits - 1));
        double x = Math.rint(v * scale);
        if (x > scale - 1) x = scale - 1;
        if (x < -scale) x = -scale;
        return (int) x;
    }

    private static void check(Path file, int r, String what) {
        if (r < 0) throw new LofiException(file, what + ": " + Ffmpeg.error(r), "check the output folder and format");
    }
}
