package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class WavFileTest {
    @TempDir Path dir;

    @Test
    void roundTripsEachBitDepthWithinItsQuantisationStep() throws Exception {
        float[][] s = new float[2][4800];
        for (int i = 0; i < 4800; i++) {
            s[0][i] = (float) (0.7 * Math.sin(2 * Math.PI * 440 * i / 48000.0));
            s[1][i] = (float) (-0.3 * Math.sin(2 * Math.PI * 1000 * i / 48000.0));
        }
        AudioBuffer a = new AudioBuffer(s, 48000);
        for (int bits : new int[] {16, 24, 32}) {
            Path f = dir.resolve("x" + bits + ".wav");
            WavFile.write(f, a, bits);
            WavFile.Info info = WavFile.info(f);
            assertEquals(2, info.channels());
            assertEquals(48000, info.sampleRate());
            assertEquals(4800, info.frames());
            AudioBuffer b = WavFile.read(f);
            double step = bits == 32 ? 0 : 1.0 / (1 << (bits - 1));
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < 4800; i++)
                    assertEquals(s[c][i], b.samples()[c][i], step * 0.51 + 1e-9, bits + "-bit sample " + i);
        }
    }

    /** Reading into given arrays: used (every sample overwritten) only when channels and frames match the file. */
    @Test
    void readsIntoGivenArraysOnlyWhenTheyFit() throws Exception {
        float[][] s = new float[2][1000];
        for (int i = 0; i < 1000; i++) { s[0][i] = (float) Math.sin(i * 0.01) * 0.5f; s[1][i] = -s[0][i]; }
        Path f = dir.resolve("reuse.wav");
        WavFile.write(f, new AudioBuffer(s, 48000), 24);
        AudioBuffer fresh = WavFile.read(f);

        float[][] fits = {new float[1000], new float[1000]};
        java.util.Arrays.fill(fits[0], 7f); // stale values must all be replaced
        java.util.Arrays.fill(fits[1], Float.NaN);
        AudioBuffer into = WavFile.read(f, fits);
        assertSame(fits, into.samples());
        for (int c = 0; c < 2; c++) assertArrayEquals(fresh.samples()[c], into.samples()[c], "channel " + c);

        float[][] tooShort = {new float[999], new float[999]};
        AudioBuffer other = WavFile.read(f, tooShort);
        assertNotSame(tooShort, other.samples());
        assertEquals(1000, other.frames());
        float[][] oneChannel = {new float[1000]};
        assertEquals(2, WavFile.read(f, oneChannel).channels());
    }

    @Test
    void fullScaleClipsInsteadOfWrapping() throws Exception {
        AudioBuffer a = new AudioBuffer(new float[][] {{1.5f, -1.5f, 1f}}, 8000);
        Path f = dir.resolve("clip.wav");
        WavFile.write(f, a, 24);
        float[] r = WavFile.read(f).samples()[0];
        assertTrue(r[0] > 0.9999f && r[1] <= -1f && r[2] > 0.9999f);
    }
}
