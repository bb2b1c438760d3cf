package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class AudioDecoderTest {
    @TempDir Path dir;

    /** L = 440 Hz, R = 660 Hz, both at amplitude 0.5 (−6 dBFS), 2 s. */
    private static AudioBuffer twoTones(int rate) {
        return Signals.sines(rate, 2.0, 0.5, 440, 660);
    }

    @ParameterizedTest
    @EnumSource(AudioEncoder.Format.class)
    void decodesEveryFormatBackToTheSignalWithItsFacts(AudioEncoder.Format format) throws IOException {
        assertTrue(format.available(), format + " encoder missing from this FFmpeg build");
        int rate = format == AudioEncoder.Format.OPUS ? 48000 : 44100; // libopus only encodes at 48 kHz and below
        AudioBuffer src = twoTones(rate);
        Path file = dir.resolve("tones." + format.name().toLowerCase());
        AudioEncoder.write(file, src, format);

        DecodedAudio d = AudioDecoder.read(file, 60);
        AudioBuffer out = d.audio();
        assertEquals(rate, out.sampleRate());
        assertEquals(2, out.channels());
        // lossy codecs add at most one frame of priming/padding that the container does not trim
        assertEquals(src.frames(), out.frames(), format.name().startsWith("WAV") || format.name().startsWith("FLAC") ? 0 : 1100);
        int from = rate / 4, to = rate * 7 / 4;
        // FFmpeg's own Vorbis encoder (the only one in this build) is crude: tones come back up to ~3 dB off
        double lossTolDb = d.format().lossless() ? 0.001 : format == AudioEncoder.Format.OGG_VORBIS ? 3.5 : 0.5;
        assertEquals(0.0, 20 * Math.log10(Signals.amplitude(out.samples()[0], rate, 440, from, to) / 0.5), lossTolDb, "L 440 Hz");
        assertEquals(0.0, 20 * Math.log10(Signals.amplitude(out.samples()[1], rate, 660, from, to) / 0.5), lossTolDb, "R 660 Hz");
        assertTrue(Signals.amplitude(out.samples()[0], rate, 660, from, to) < 0.005, "R leaks into L");

        SourceFormat f = d.format();
        assertEquals(rate, f.sampleRate());
        assertEquals(2, f.channels());
        assertEquals(2.0, f.declaredSeconds(), 0.05);
        assertTrue(d.warnings().isEmpty(), d.warnings().toString());
        switch (format) {
            case WAV_16 -> { assertEquals("pcm_s16le", f.codec()); assertEquals(16, f.bitDepth()); assertTrue(f.lossless()); }
            case WAV_24 -> { assertEquals("pcm_s24le", f.codec()); assertEquals(24, f.bitDepth()); }
            case WAV_F32 -> { assertEquals("pcm_f32le", f.codec()); assertEquals(32, f.bitDepth()); }
            case FLAC_24 -> { assertEquals("flac", f.codec()); assertEquals(24, f.bitDepth()); assertTrue(f.lossless()); }
            case FLAC_16 -> { assertEquals("flac", f.codec()); assertEquals(16, f.bitDepth()); }
            case MP3 -> { assertEquals("mp3", f.container()); assertEquals(0, f.bitDepth()); assertFalse(f.lossless()); }
            case OGG_VORBIS -> { assertEquals("vorbis", f.codec()); assertEquals(0, f.bitDepth()); }
            case OPUS -> { assertEquals("opus", f.codec()); assertEquals(0, f.bitDepth()); }
            case M4A_AAC -> { assertEquals("aac", f.codec()); assertEquals(0, f.bitDepth()); }
        }
    }

    @Test
    void twentyFourBitSamplesSurviveExactly() throws IOException {
        float[][] s = new float[2][4800];
        Random r = new Random(1);
        for (float[] ch : s) for (int i = 0; i < ch.length; i++) ch[i] = (r.nextInt(1 << 23) - (1 << 22)) / 8388608f;
        Path wav = dir.resolve("exact.wav");
        Path flac = dir.resolve("exact.flac");
        AudioEncoder.write(wav, new AudioBuffer(s, 48000), AudioEncoder.Format.WAV_24);
        AudioEncoder.write(flac, new AudioBuffer(s, 48000), AudioEncoder.Format.FLAC_24);
        for (Path p : new Path[]{wav, flac}) {
            AudioBuffer back = AudioDecoder.decode(p);
            for (int c = 0; c < 2; c++) assertArrayEquals(s[c], back.samples()[c], 0f, p.toString());
        }
    }

    @Test
    void wavFileAndFfmpegReadTheSameSamplesBothWays() throws IOException {
        AudioBuffer src = Signals.sines(44100, 0.5, 0.7, 441, 1234);
        for (int bits : new int[]{16, 24, 32}) {
            Path ours = dir.resolve("ours" + bits + ".wav");
            WavFile.write(ours, src, bits);
            AudioBuffer a = WavFile.read(ours), b = AudioDecoder.decode(ours);
            for (int c = 0; c < 2; c++) assertArrayEquals(a.samples()[c], b.samples()[c], 0f, "WavFile-written " + bits);
        }
        for (AudioEncoder.Format f : new AudioEncoder.Format[]{AudioEncoder.Format.WAV_16, AudioEncoder.Format.WAV_24,
                AudioEncoder.Format.WAV_F32}) {
            Path theirs = dir.resolve("theirs-" + f + ".wav");
            AudioEncoder.write(theirs, src, f);
            AudioBuffer a = WavFile.read(theirs), b = AudioDecoder.decode(theirs);
            for (int c = 0; c < 2; c++) assertArrayEquals(b.samples()[c], a.samples()[c], 0f, "FFmpeg-written " + f);
        }
    }

    @Test
    void monoStaysMonoAtItsOwnRate() throws IOException {
        Path p = dir.resolve("mono.flac");
        AudioEncoder.write(p, Signals.sine(22050, 1000, 0.25, 1.0, 1), AudioEncoder.Format.FLAC_16);
        DecodedAudio d = AudioDecoder.read(p, 60);
        assertEquals(1, d.audio().channels());
        assertEquals(22050, d.audio().sampleRate());
        assertEquals("mono", d.format().channelLayout());
        assertEquals(0.25, Signals.amplitude(d.audio().samples()[0], 22050, 1000, 2000, 20000), 1e-4);
    }

    @Test
    void fivePointOneIsDownmixedWithItuCoefficientsAndCannotClip() throws IOException {
        // default 6-channel layout is 5.1: FL FR FC LFE + two surrounds; one frequency per channel
        double[] freqs = {200, 300, 400, 50, 500, 600};
        Path p = dir.resolve("surround.wav");
        AudioEncoder.write(p, Signals.sines(48000, 1.0, 0.3, freqs), AudioEncoder.Format.WAV_F32);
        DecodedAudio d = AudioDecoder.read(p, 60);
        assertEquals(6, d.format().channels());
        assertEquals(2, d.audio().channels());
        float[] l = d.audio().samples()[0], r = d.audio().samples()[1];
        double norm = 1 + 2 * Math.sqrt(0.5); // largest row sum: L + 0.707 C + 0.707 Ls
        int a = 4800, b = 43200;
        assertEquals(0.3 / norm, Signals.amplitude(l, 48000, 200, a, b), 1e-4, "L from FL");
        assertEquals(0.3 * Math.sqrt(0.5) / norm, Signals.amplitude(l, 48000, 400, a, b), 1e-4, "L from C");
        assertEquals(0.3 * Math.sqrt(0.5) / norm, Signals.amplitude(l, 48000, 500, a, b), 1e-4, "L from Ls");
        assertEquals(0.0, Signals.amplitude(l, 48000, 300, a, b), 1e-4, "no FR in L");
        assertEquals(0.0, Signals.amplitude(l, 48000, 50, a, b), 1e-4, "LFE dropped");
        assertEquals(0.3 / norm, Signals.amplitude(r, 48000, 300, a, b), 1e-4, "R from FR");
        assertEquals(0.3 * Math.sqrt(0.5) / norm, Signals.amplitude(r, 48000, 600, a, b), 1e-4, "R from Rs");

        // worst case: the same near-full-scale signal in phase on every channel stays at its level, never above 1
        Path loud = dir.resolve("loud-surround.wav");
        AudioEncoder.write(loud, Signals.sine(48000, 100, 0.99, 0.5, 6), AudioEncoder.Format.WAV_F32);
        float[] ll = AudioDecoder.decode(loud).samples()[0];
        float peak = 0;
        for (float v : ll) peak = Math.max(peak, Math.abs(v));
        assertEquals(0.99, peak, 1e-3);
    }

    @Test
    void stopsAtTheMaximumDuration() throws IOException {
        Path p = dir.resolve("long.flac");
        AudioEncoder.write(p, Signals.sine(8000, 100, 0.5, 5.0, 1), AudioEncoder.Format.FLAC_16);
        AudioDecoder.TooLongException e = assertThrows(AudioDecoder.TooLongException.class, () -> AudioDecoder.read(p, 2.0));
        assertEquals(5.0, e.seconds(), 0.01);
        assertTrue(e.getMessage().contains("long.flac") && e.getMessage().contains("maximum of 2.0 s"), e.getMessage());
    }

    // ---- bad input: each raises a LofiException naming the file and the problem ----

    private String failure(Path p) {
        LofiException e = assertThrows(LofiException.class, () -> AudioDecoder.read(p, 600));
        assertEquals(p, e.file());
        return e.problem();
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        Path p = Files.createFile(dir.resolve("empty.mp3"));
        assertEquals("is empty (0 bytes)", failure(p));
    }

    @Test
    void randomBytesNamedMp3AreRejected() throws IOException {
        byte[] junk = new byte[64 * 1024];
        new Random(7).nextBytes(junk);
        Path p = dir.resolve("junk.mp3");
        Files.write(p, junk);
        String why = failure(p);
        assertTrue(why.contains("not an audio file") || why.contains("no decodable audio") || why.contains("corrupt"), why);
    }

    @Test
    void textFileNamedWavIsRejected() throws IOException {
        Path p = dir.resolve("notes.wav");
        Files.writeString(p, "these are not samples\n".repeat(100), StandardCharsets.UTF_8);
        assertTrue(failure(p).startsWith("is not an audio file FFmpeg can read"));
    }

    @Test
    void pngNamedWavHasNoAudioStream() throws IOException {
        Path p = dir.resolve("cover.wav");
        Files.write(p, tinyPng());
        String why = failure(p);
        assertTrue(why.startsWith("contains no audio stream") || why.startsWith("is not an audio file"), why);
    }

    @Test
    void folderFifoAndDanglingLinkAreRejectedWithoutHanging() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("folder.flac"));
        assertEquals("is a folder, not an audio file", failure(folder));
        Path link = Files.createSymbolicLink(dir.resolve("gone.flac"), dir.resolve("missing-target.flac"));
        assertEquals("is a symbolic link whose target does not exist", failure(link));
        Path fifo = dir.resolve("pipe.flac");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        assertEquals("is not a regular file (a FIFO, socket or device)", failure(fifo));
    }

    @Test
    void truncatedFlacDecodesWhatIsThereWithAWarning() throws IOException {
        Path whole = dir.resolve("whole.flac");
        AudioEncoder.write(whole, Signals.sine(44100, 440, 0.5, 4.0, 2), AudioEncoder.Format.FLAC_16);
        byte[] bytes = Files.readAllBytes(whole);
        Path half = dir.resolve("half.flac");
        Files.write(half, Arrays.copyOf(bytes, bytes.length / 2));
        DecodedAudio d = AudioDecoder.read(half, 60);
        assertEquals(4.0, d.format().declaredSeconds(), 0.01);
        assertTrue(d.decodedSeconds() > 1.0 && d.decodedSeconds() < 3.0, "decoded " + d.decodedSeconds());
        assertTrue(d.warnings().stream().anyMatch(w -> w.contains("looks truncated")), d.warnings().toString());
    }

    @Test
    void truncatedMp3DecodesWhatIsThere() throws IOException {
        Path whole = dir.resolve("whole.mp3");
        AudioEncoder.write(whole, Signals.sine(44100, 440, 0.5, 4.0, 2), AudioEncoder.Format.MP3);
        byte[] bytes = Files.readAllBytes(whole);
        Path half = dir.resolve("half.mp3");
        Files.write(half, Arrays.copyOf(bytes, bytes.length / 2 + 17)); // cut mid-frame
        DecodedAudio d = AudioDecoder.read(half, 60);
        assertTrue(d.decodedSeconds() > 1.5 && d.decodedSeconds() < 2.5, "decoded " + d.decodedSeconds());
        assertEquals(0.5, Signals.amplitude(d.audio().samples()[0], 44100, 440, 4410, 44100), 0.03);
    }

    /** A valid 1×1 PNG. */
    static byte[] tinyPng() {
        int[] b = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1,
                8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0,
                1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }
}
