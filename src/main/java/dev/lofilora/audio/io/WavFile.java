package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.common.AtomicFiles;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * RIFF/WAVE PCM reader and writer for the files this project writes itself (16/24/32-bit integer PCM and 32-bit
 * float; integers scale by 2^(bits−1) both ways). Hand-written because it is a few dozen lines and sits on the hot path of {@code process}: FFmpeg's muxer
 * would add a frame-by-frame JNI round trip for what is a header plus one array conversion. Other formats go
 * through {@link AudioDecoder}.
 */
public final class WavFile {
    private WavFile() {}

    /** Writes {@code audio} as PCM WAV with {@code bits} = 16, 24 (integer, rounded, clipped) or 32 (IEEE float), atomically. */
    public static void write(Path target, AudioBuffer audio, int bits) throws IOException {
        write(target, audio, bits, 1f);
    }

    /**
     * As {@link #write(Path, AudioBuffer, int)} of {@code audio} multiplied by {@code gain} (each sample times the
     * float gain, then quantised: the bytes of writing a scaled copy, without making the copy).
     */
    public static void write(Path target, AudioBuffer audio, int bits, float gain) throws IOException {
        AtomicFiles.write(target, out -> write(out, audio, bits, gain));
    }

    public static void write(OutputStream raw, AudioBuffer audio, int bits) throws IOException {
        write(raw, audio, bits, 1f);
    }

    public static void write(OutputStream raw, AudioBuffer audio, int bits, float gain) throws IOException {
        write(raw, audio, bits, gain, null);
    }

    /**
     * As {@link #write(OutputStream, AudioBuffer, int, float)} of {@code (sample * gain) * curve[frame]} (curve null:
     * none), in float and in that order: a limiter's per-frame gain curve applied as the samples are quantised, the
     * bytes of writing the limited copy without making it.
     */
    public static void write(OutputStream raw, AudioBuffer audio, int bits, float gain, float[] curve)
            throws IOException {
        if (curve != null && curve.length < audio.frames()) {
            throw new IllegalArgumentException("gain curve of " + curve.length + " frames for " + audio.frames());
        }
        if (bits != 16 && bits != 24 && bits != 32) throw new IllegalArgumentException("bits " + bits);
        int ch = audio.channels();
        int frames = audio.frames();
        int bytesPer = bits / 8;
        long dataBytes = (long) frames * ch * bytesPer;
        if (dataBytes > 0xFFFFFFFFL - 44) throw new IOException("audio too long for a RIFF/WAVE file");
        // Unbuffered: every write below is a header or a whole chunk, so a BufferedOutputStream would only add a copy.
        OutputStream out = raw;
        ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt((int) (36 + dataBytes)).put("WAVE".getBytes());
        h.put("fmt ".getBytes()).putInt(16).putShort((short) (bits == 32 ? 3 : 1)).putShort((short) ch)
                .putInt(audio.sampleRate()).putInt(audio.sampleRate() * ch * bytesPer)
                .putShort((short) (ch * bytesPer)).putShort((short) bits);
        h.put("data".getBytes()).putInt((int) dataBytes);
        out.write(h.array());
        float[][] s = audio.samples();
        int chunkFrames = 1 << 16;
        // Plain byte[] with index arithmetic: ByteBuffer.put per byte costs several times more on this hot path.
        byte[] buf = new byte[chunkFrames * ch * bytesPer];
        for (int start = 0; start < frames; start += chunkFrames) {
            int end = Math.min(frames, start + chunkFrames);
            int p;
            // One tight loop per format (and one for stereo 24-bit, the output of `process`), so the hot loop has
            // no per-sample branch on the format.
            if (bits == 24 && ch == 2) {
                if (curve == null) Dsp.kernels().pack24Stereo(s[0], s[1], start, end, gain, buf);
                else Dsp.kernels().pack24StereoCurve(s[0], s[1], curve, start, end, gain, buf);
                p = (end - start) * 6;
            } else {
                p = 0;
                for (int i = start; i < end; i++) {
                    for (int c = 0; c < ch; c++) {
                        float v = curve == null ? s[c][i] * gain : s[c][i] * gain * curve[i];
                        switch (bits) {
                            case 16 -> {
                                int q = quantise(v, 32768.0);
                                buf[p++] = (byte) q;
                                buf[p++] = (byte) (q >> 8);
                            }
                            case 24 -> {
                                int q = quantise(v, 8388608.0);
                                buf[p++] = (byte) q;
                                buf[p++] = (byte) (q >> 8);
                                buf[p++] = (byte) (q >> 16);
                            }
                            default -> {
                                int q = Float.floatToRawIntBits(v);
                                buf[p++] = (byte) q;
                                buf[p++] = (byte) (q >> 8);
                                buf[p++] = (byte) (q >> 16);
                                buf[p++] = (byte) (q >> 24);
                            }
                        }
                    }
                }
            }
            out.write(buf, 0, p);
        }
        out.flush();
    }

    /** Rounds v·2^(bits−1) and clips it to the integer range [−2^(bits−1), 2^(bits−1) − 1]. */
    private static int quantise(float v, double scale) {
        double x = Math.rint(v * scale);
        if (x > scale - 1) x = scale - 1;
        if (x < -scale) x = -scale;
        return (int) x;
    }

    /** Header facts of a WAV file. */
    public record Info(int channels, int sampleRate, int bits, boolean floatingPoint, long frames, long dataOffset) {}

    /** Reads the header; throws {@link LofiException} naming the file when it is not a PCM WAV this class reads. */
    public static Info info(Path file) throws IOException {
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            return info(file, fc);
        }
    }

    private static Info info(Path file, FileChannel fc) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(fc, b, 0, file);
        if (b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new LofiException(file, "is not a RIFF/WAVE file", "convert it to WAV or read it with AudioDecoder");
        }
        long pos = 12;
        int fmtTag = -1, ch = 0, rate = 0, bits = 0;
        long size = fc.size();
        while (pos + 8 <= size) {
            ByteBuffer hdr = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(fc, hdr, pos, file);
            int id = hdr.getInt(0);
            long len = hdr.getInt(4) & 0xFFFFFFFFL;
            if (id == 0x20746d66) { // "fmt "
                ByteBuffer f = ByteBuffer.allocate((int) Math.min(len, 40)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(fc, f, pos + 8, file);
                fmtTag = f.getShort(0) & 0xFFFF;
                ch = f.getShort(2);
                rate = f.getInt(4);
                bits = f.getShort(14);
                if (fmtTag == 0xFFFE && len >= 26) fmtTag = f.getShort(24) & 0xFFFF; // WAVE_FORMAT_EXTENSIBLE sub-format
            } else if (id == 0x61746164) { // "data"
                if (fmtTag < 0) throw new LofiException(file, "has a data chunk before its fmt chunk", "re-export the file");
                boolean isFloat = fmtTag == 3;
                if (!(fmtTag == 1 && (bits == 16 || bits == 24 || bits == 32)) && !(isFloat && bits == 32)) {
                    throw new LofiException(file, "has an unsupported WAV encoding (format " + fmtTag + ", " + bits + " bit)",
                            "read it with AudioDecoder");
                }
                long avail = Math.min(len, size - pos - 8);
                long frames = avail / ((long) ch * (bits / 8));
                return new Info(ch, rate, bits, isFloat, frames, pos + 8);
            }
            pos += 8 + len + (len & 1);
        }
        throw new LofiException(file, "has no data chunk (truncated WAV?)", "re-export or re-download the file");
    }

    /** Reads a whole PCM WAV file into float samples. */
    public static AudioBuffer read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * As {@link #read(Path)}, into {@code reuse} when it has the file's channel count and frame count (every sample is
     * then overwritten from the file), else into new arrays: process reads a 3-min output back into the arrays it was
     * written from, sparing 69 MB of fresh, zeroed memory per track.
     */
    public static AudioBuffer read(Path file, float[][] reuse) throws IOException {
        return read(file, reuse, Float.NaN, null);
    }

    /**
     * As {@link #read(Path, float[][])} into {@code reuse} holding the float samples the file was written from with
     * {@code gain} ({@link #write(OutputStream, AudioBuffer, int, float, float[])}, no curve): {@code deviation[0]} is
     * set to the largest |read sample − float(old sample · gain)|, found as each old sample is overwritten; or to
     * +Infinity where the file is not 24-bit stereo PCM of {@code reuse}'s size (read into new arrays then).
     */
    public static AudioBuffer readOver(Path file, float[][] reuse, float gain, float[] deviation) throws IOException {
        deviation[0] = Float.POSITIVE_INFINITY;
        return read(file, reuse, gain, deviation);
    }

    private static AudioBuffer read(Path file, float[][] reuse, float gain, float[] deviation) throws IOException {
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            Info in = info(file, fc);
            if (in.frames > Integer.MAX_VALUE) throw new LofiException(file, "is too long to load", "split it");
            int frames = (int) in.frames;
            int bytesPer = in.bits / 8;
            boolean fits = reuse != null && reuse.length == in.channels;
            for (int c = 0; fits && c < reuse.length; c++) fits = reuse[c] != null && reuse[c].length == frames;
            float[][] s = fits ? reuse : new float[in.channels][frames];
            boolean check = deviation != null && fits && in.bits == 24 && !in.floatingPoint && in.channels == 2;
            float dev = 0f;
            int chunkFrames = 1 << 16;
            ByteBuffer buf = ByteBuffer.allocate(chunkFrames * in.channels * bytesPer).order(ByteOrder.LITTLE_ENDIAN);
            byte[] b = buf.array();
            long pos = in.dataOffset;
            for (int start = 0; start < frames; start += chunkFrames) {
                int n = Math.min(chunkFrames, frames - start);
                buf.clear().limit(n * in.channels * bytesPer);
                readFully(fc, buf, pos, file);
                pos += (long) n * in.channels * bytesPer;
                if (check) {
                    dev = Dsp.kernels().unpack24StereoCheck(b, n, s[0], s[1], start, gain, dev);
                    continue;
                }
                if (in.bits == 24 && !in.floatingPoint && in.channels == 2) { // what `process` writes and verifies
                    Dsp.kernels().unpack24Stereo(b, n, s[0], s[1], start);
                    continue;
                }
                int p = 0; // index arithmetic on the backing array, as in write()
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < in.channels; c++) {
                        float v;
                        if (in.floatingPoint) {
                            v = Float.intBitsToFloat((b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8) | ((b[p + 2] & 0xFF) << 16) | (b[p + 3] << 24));
                            p += 4;
                        } else if (in.bits == 16) {
                            v = (short) ((b[p] & 0xFF) | (b[p + 1] << 8)) / 32768f;
                            p += 2;
                        } else if (in.bits == 24) {
                            v = ((b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8) | (b[p + 2] << 16)) / 8388608f;
                            p += 3;
                        } else {
                            v = (float) (((b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8) | ((b[p + 2] & 0xFF) << 16) | (b[p + 3] << 24)) / 2147483648.0);
                            p += 4;
                        }
                        s[c][start + i] = v;
                    }
                }
            }
            if (check) deviation[0] = dev;
            return new AudioBuffer(s, in.sampleRate);
        }
    }

    private static void readFully(FileChannel fc, ByteBuffer b, long pos, Path file) throws IOException {
        while (b.hasRemaining()) {
            int n = fc.read(b, pos);
            if (n < 0) throw new LofiException(file, "ends early (truncated WAV)", "re-export or re-download the file");
            pos += n;
        }
    }
}
